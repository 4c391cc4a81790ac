// SPDX-License-Identifier: MIT
// QLinearMatMul (ONNX opset 10): quantized numpy matmul, as ONNX's reference computes it:
//   acc = (a - a_zero_point) @ (b - b_zero_point)                           (int32)
//   y   = saturate(round_half_even(acc * (a_scale * b_scale / y_scale)) + y_zero_point)
// Scales and zero points are scalars (or 1-element tensors); a's may be per row [M], b's per column [N].
#include "ops/support/matmul.hpp"
#include "ops/support/quant.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    for (std::size_t i = 0; i < 8; ++i)
        ctx.check(ctx.has_input(i),
                  "expects 8 inputs (a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, "
                  "y_zero_point)");
    ctx.check(is_quantized_type(ctx.input_dtype(0)) && is_quantized_type(ctx.input_dtype(3)) &&
                  is_quantized_type(ctx.input_dtype(7)),
              "a, b and y_zero_point must be uint8 or int8");
    const MatMulShape s = matmul_shape(ctx, 0, 3);
    check_per_axis(ctx, 1, s.m, "a_scale");
    check_per_axis(ctx, 2, s.m, "a_zero_point");
    check_per_axis(ctx, 4, s.n, "b_scale");
    check_per_axis(ctx, 5, s.n, "b_zero_point");
    check_per_axis(ctx, 6, 1, "y_scale");
    check_per_axis(ctx, 7, 1, "y_zero_point");
    ctx.set_output(0, ctx.input_dtype(7), s.out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const MatMulShape s = matmul_shape(init, 0, 3);
    return make_kernel([s](const KernelRun& r) {
        const int64_t ra = r.in(0).shape().size(), rb = r.in(3).shape().size();
        const std::vector<int32_t> a = centered_int32(r.in(0), &r.in(2), ra >= 2 ? ra - 2 : 0);
        const std::vector<int32_t> b = centered_int32(r.in(3), &r.in(5), rb - 1);
        std::vector<int32_t> acc(static_cast<std::size_t>(r.out(0).numel()));
        matmul_reference<int32_t>(s, a.data(), b.data(), acc.data());
        const float y_scale = static_cast<float>(per_axis_value(&r.in(6), 0));
        const double zero_point = per_axis_value(&r.in(7), 0);
        for (int64_t i = 0; i < static_cast<int64_t>(acc.size()); ++i) {
            const int64_t row = (i / s.n) % s.m, col = i % s.n;
            const float scale = static_cast<float>(per_axis_value(&r.in(1), row)) *
                                static_cast<float>(per_axis_value(&r.in(4), col)) / y_scale;
            store_quantized(r.out(0), i, static_cast<double>(acc[i]) * scale, zero_point);
        }
    });
}

}  // namespace

void register_q_linear_mat_mul(OpRegistry& registry) {
    registry.add({.name = "QLinearMatMul", .since_version = 10, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
