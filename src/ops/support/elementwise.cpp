// SPDX-License-Identifier: MIT
#include "ops/support/elementwise.hpp"

namespace konnx::ops {

void infer_same_as_input(InferContext& ctx) { ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0)); }

BinaryBroadcast plan_binary_broadcast(const Shape& a, const Shape& b, const Shape& out) {
    const auto sa = broadcast_strides(a, out), sb = broadcast_strides(b, out);
    BinaryBroadcast p;
    for (std::size_t d = 0; d < out.size(); ++d) {
        if (out[d] == 1) continue;
        if (!p.dims.empty() && p.stride_a.back() == sa[d] * out[d] && p.stride_b.back() == sb[d] * out[d]) {
            p.dims.back() *= out[d];  // contiguous with the axis before it in both inputs: one longer axis
            p.stride_a.back() = sa[d];
            p.stride_b.back() = sb[d];
        } else {
            p.dims.push_back(out[d]);
            p.stride_a.push_back(sa[d]);
            p.stride_b.push_back(sb[d]);
        }
    }
    return p;
}

void infer_broadcast(InferContext& ctx, DType dtype) {
    Shape shape = ctx.input_shape(0);
    for (std::size_t i = 1; i < ctx.num_inputs(); ++i) {
        if (!ctx.has_input(i)) continue;
        try {
            shape = broadcast_shapes(shape, ctx.input_shape(i));
        } catch (const Error& e) {
            ctx.fail(e.what());
        }
    }
    ctx.set_output(0, dtype == DType::kUndefined ? ctx.input_dtype(0) : dtype, std::move(shape));
}

}  // namespace konnx::ops
