// SPDX-License-Identifier: MIT
#include "kernels/onednn/pool.hpp"

namespace konnx::kernels::onednn {

Pool::Pool(const PoolParams& p) {
    dims src{p.batch, p.channels}, dst{p.batch, p.channels};
    src.insert(src.end(), p.in.begin(), p.in.end());
    dst.insert(dst.end(), p.out.begin(), p.out.end());
    src_md_ = activation_desc(src, p.layout);
    dst_md_ = activation_desc(dst, p.layout);
    dims dilation(p.dilation.size());
    for (std::size_t i = 0; i < dilation.size(); ++i)
        dilation[i] = p.dilation[i] - 1;
    const auto alg = p.kind == PoolKind::kMax                 ? dnnl::algorithm::pooling_max
                     : p.kind == PoolKind::kAverageIncludePad ? dnnl::algorithm::pooling_avg_include_padding
                                                              : dnnl::algorithm::pooling_avg_exclude_padding;
    dnnl::pooling_v2_forward::desc d(dnnl::prop_kind::forward_inference, alg, src_md_, dst_md_, p.stride, p.kernel,
                                     dilation, p.pad_begin, p.pad_end);
    dnnl::pooling_v2_forward::primitive_desc pd(d, user_scratchpad_attr(), cpu_engine());
    prim_ = dnnl::pooling_v2_forward(pd);
    scratchpad_md_ = pd.scratchpad_desc();
    ScratchLayout scratch;
    scratch.add(scratchpad_md_.get_size());
    scratch_bytes_ = scratch.total();
    args_ = std::make_unique<ArgCache>(std::vector{src_md_, dst_md_, scratchpad_md_});
}

void Pool::run(const float* x, float* y, std::span<std::byte> scratch) const {
    dnnl::stream& s = thread_stream();
    const ArgCache::Lease cached(*args_);
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, cached.bind(0, src_md_, x)},
                                               {DNNL_ARG_DST, cached.bind(1, dst_md_, y)}};
    if (scratchpad_md_.get_size() > 0)
        args.emplace(DNNL_ARG_SCRATCHPAD, cached.bind(2, scratchpad_md_, scratch.data()));
    execute(s, prim_, std::move(args), {}, nullptr);
    s.wait();
}

}  // namespace konnx::kernels::onednn
