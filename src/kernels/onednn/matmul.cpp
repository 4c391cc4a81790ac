// SPDX-License-Identifier: MIT
#include "kernels/onednn/matmul.hpp"

namespace konnx::kernels::onednn {
namespace {

dnnl::memory::desc desc_of(const dims& shape, const dims& strides) {
    if (strides.empty()) return plain_f32(shape);
    return {shape, dnnl::memory::data_type::f32, strides};
}

}  // namespace

MatMul::MatMul(const MatMulParams& p, const float* constant_b, const float* constant_bias) {
    a_md_ = desc_of(p.a, p.a_strides);
    b_user_ = desc_of(p.b, p.b_strides);
    y_md_ = plain_f32(p.y);
    if (!p.bias.empty()) bias_md_ = plain_f32(p.bias);
    const dnnl::memory::desc b_any =
        constant_b ? dnnl::memory::desc(p.b, dnnl::memory::data_type::f32, dnnl::memory::format_tag::any) : b_user_;
    dnnl::post_ops ops;
    if (p.scale != 1.0f) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, p.scale, 0.0f);
    dnnl::matmul::desc d(a_md_, b_any, bias_md_, y_md_);
    dnnl::matmul::primitive_desc pd(d, user_scratchpad_attr(ops), cpu_engine());
    prim_ = dnnl::matmul(pd);
    b_md_ = pd.weights_desc();
    scratchpad_md_ = pd.scratchpad_desc();
    if (constant_b) constant_b_ = reorder_constant(b_user_, constant_b, b_md_);
    if (constant_bias) constant_bias_ = reorder_constant(bias_md_, constant_bias, bias_md_);
    ScratchLayout scratch;
    scratch.add(scratchpad_md_.get_size());
    scratch_bytes_ = scratch.total();
    args_ = std::make_unique<ArgCache>(std::vector{a_md_, b_md_, bias_md_, y_md_, scratchpad_md_});
}

void MatMul::run(const float* a, const float* b, const float* bias, float* y, std::span<std::byte> scratch) const {
    dnnl::stream& s = thread_stream();
    const ArgCache::Lease cached(*args_);
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, cached.bind(0, a_md_, a)},
        {DNNL_ARG_WEIGHTS, constant_b_ ? constant_b_.memory : cached.bind(1, b_md_, b)},
        {DNNL_ARG_DST, cached.bind(3, y_md_, y)}};
    if (constant_bias_)
        args.emplace(DNNL_ARG_BIAS, constant_bias_.memory);
    else if (bias && bias_md_.get_size() > 0)
        args.emplace(DNNL_ARG_BIAS, cached.bind(2, bias_md_, bias));
    if (scratchpad_md_.get_size() > 0)
        args.emplace(DNNL_ARG_SCRATCHPAD, cached.bind(4, scratchpad_md_, scratch.data()));
    execute(s, prim_, std::move(args), {}, nullptr);
    s.wait();
}

}  // namespace konnx::kernels::onednn
