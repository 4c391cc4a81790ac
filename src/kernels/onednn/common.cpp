// SPDX-License-Identifier: MIT
#include "kernels/onednn/common.hpp"

#include "core/error.hpp"
#include "core/memory.hpp"

namespace konnx::kernels::onednn {

const dnnl::engine& cpu_engine() {
    static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

dnnl::memory::format_tag plain_tag(std::size_t rank) {
    using tag = dnnl::memory::format_tag;
    static constexpr tag tags[] = {tag::a,         tag::ab,         tag::abc,         tag::abcd,
                                   tag::abcde,     tag::abcdef,     tag::abcdefg,     tag::abcdefgh,
                                   tag::abcdefghi, tag::abcdefghij, tag::abcdefghijk, tag::abcdefghijkl};
    if (rank < 1 || rank > 12) fail(ErrorCode::kInternal, "oneDNN: no plain layout for rank ", rank);
    return tags[rank - 1];
}

dnnl::memory::desc plain_f32(const dims& shape) {
    return {shape, dnnl::memory::data_type::f32, plain_tag(shape.size())};
}

dnnl::primitive_attr user_scratchpad_attr(const dnnl::post_ops& ops) {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (ops.len() > 0) attr.set_post_ops(ops);
    return attr;
}

std::size_t ScratchLayout::add(std::size_t bytes) {
    const std::size_t offset = total_;
    total_ += (bytes + 63) / 64 * 64;
    return offset;
}

dnnl::memory wrap(const dnnl::memory::desc& md, const void* ptr) {
    return dnnl::memory(md, cpu_engine(), const_cast<void*>(ptr));
}

dnnl::stream& thread_stream() {
    thread_local dnnl::stream stream(cpu_engine());
    return stream;
}

ArgCache::ArgCache(const std::vector<dnnl::memory::desc>& descs) {
    for (const auto& md : descs) {
        const auto& d = md.data;
        bool padded = false;
        for (int i = 0; i < d.ndims; ++i)
            padded = padded || d.padded_dims[i] != d.dims[i];
        slots_.push_back(padded || md.get_size() == 0 ? dnnl::memory() : dnnl::memory(md, cpu_engine(), nullptr));
    }
}

ArgCache::Lease::Lease(const ArgCache& cache)
    : cache_(cache.busy_.exchange(true, std::memory_order_acquire) ? nullptr : &cache) {}

ArgCache::Lease::~Lease() {
    if (cache_) cache_->busy_.store(false, std::memory_order_release);
}

dnnl::memory ArgCache::Lease::bind(std::size_t slot, const dnnl::memory::desc& md, const void* ptr) const {
    if (!cache_ || slot >= cache_->slots_.size() || !cache_->slots_[slot]) return wrap(md, ptr);
    dnnl::memory& m = cache_->slots_[slot];
    m.set_data_handle(const_cast<void*>(ptr));
    return m;
}

Reorder::Reorder(const dnnl::memory::desc& from, const dnnl::memory::desc& to, ScratchLayout& scratch) {
    dnnl::reorder::primitive_desc pd(cpu_engine(), from, cpu_engine(), to, user_scratchpad_attr());
    prim_ = dnnl::reorder(pd);
    scratch_md_ = pd.scratchpad_desc();
    scratch_offset_ = scratch.add(scratch_md_.get_size());
}

void Reorder::run(dnnl::stream& s, const dnnl::memory& from, const dnnl::memory& to, std::byte* scratch) const {
    execute(s, prim_, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}}, scratch_md_, scratch + scratch_offset_);
}

void execute(dnnl::stream& s, const dnnl::primitive& prim, std::unordered_map<int, dnnl::memory> args,
             const dnnl::memory::desc& scratchpad_md, std::byte* scratchpad) {
    if (scratchpad_md.get_size() > 0) args.emplace(DNNL_ARG_SCRATCHPAD, wrap(scratchpad_md, scratchpad));
    try {
        prim.execute(s, args);
    } catch (const dnnl::error& e) {
        fail(ErrorCode::kInternal, "oneDNN execution failed: ", e.what());
    }
}

PackedConstant reorder_constant(const dnnl::memory::desc& from, const void* data, const dnnl::memory::desc& to) {
    PackedConstant packed;
    packed.storage = allocate_load_memory(std::max<std::size_t>(to.get_size(), 1));
    packed.memory = dnnl::memory(to, cpu_engine(), packed.storage.get());
    dnnl::stream s(cpu_engine());
    dnnl::memory in = wrap(from, data);
    dnnl::reorder(in, packed.memory).execute(s, in, packed.memory);
    s.wait();
    return packed;
}

}  // namespace konnx::kernels::onednn
