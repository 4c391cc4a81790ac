// SPDX-License-Identifier: MIT
// QLinearConv (ONNX opset 10): quantized convolution, as ONNX's reference computes it:
//   acc = conv(x - x_zero_point, w - w_zero_point) + B                     (int32)
//   y   = saturate(round_half_even(acc * (x_scale * w_scale[m] / y_scale)) + y_zero_point)
// x, w, y are uint8/int8; w_scale and w_zero_point are scalars or per output channel [M]; B is int32 [M].
// Same attributes as Conv.
#include "ops/support/quant.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    for (std::size_t i = 0; i < 8; ++i)
        ctx.check(ctx.has_input(i),
                  "expects 8 inputs (x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, "
                  "y_zero_point) and an optional B");
    ctx.check(is_quantized_type(ctx.input_dtype(0)) && is_quantized_type(ctx.input_dtype(3)) &&
                  is_quantized_type(ctx.input_dtype(7)),
              "x, w and y_zero_point must be uint8 or int8");
    const IntConvShape s = int_conv_shape(ctx, 0, 3);
    check_per_axis(ctx, 1, 1, "x_scale");
    check_per_axis(ctx, 2, 1, "x_zero_point");
    check_per_axis(ctx, 4, s.out_channels, "w_scale");
    check_per_axis(ctx, 5, s.out_channels, "w_zero_point");
    check_per_axis(ctx, 6, 1, "y_scale");
    check_per_axis(ctx, 7, 1, "y_zero_point");
    if (ctx.has_input(8)) {
        ctx.check(ctx.input_dtype(8) == DType::kInt32 && ctx.input_shape(8) == Shape{s.out_channels},
                  "B must be int32 [", s.out_channels, "], got ", shape_str(ctx.input_shape(8)));
    }
    ctx.set_output(0, ctx.input_dtype(7), s.out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const IntConvShape s = int_conv_shape(init, 0, 3);
    return make_kernel([s](const KernelRun& r) {
        const std::vector<int32_t> x = centered_int32(r.in(0), &r.in(2), 0);
        const std::vector<int32_t> w = centered_int32(r.in(3), &r.in(5), 0);
        std::vector<int32_t> acc(static_cast<std::size_t>(r.out(0).numel()));
        int_conv(s, x.data(), w.data(), r.has_in(8) ? r.in(8).data<int32_t>() : nullptr, acc.data());
        const int64_t plane = s.window.out_size();
        const float x_scale = static_cast<float>(per_axis_value(&r.in(1), 0));
        const float y_scale = static_cast<float>(per_axis_value(&r.in(6), 0));
        const double zero_point = per_axis_value(&r.in(7), 0);
        for (int64_t i = 0; i < static_cast<int64_t>(acc.size()); ++i) {
            const int64_t m = (i / plane) % s.out_channels;
            const float scale = x_scale * static_cast<float>(per_axis_value(&r.in(4), m)) / y_scale;
            store_quantized(r.out(0), i, static_cast<double>(acc[i]) * scale, zero_point);
        }
    });
}

}  // namespace

void register_q_linear_conv(OpRegistry& registry) {
    registry.add({.name = "QLinearConv", .since_version = 10, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
