// SPDX-License-Identifier: MIT
// ConvInteger (ONNX opset 10): int32 convolution of uint8/int8 x and w with their zero points subtracted:
//   y = conv(x - x_zero_point, w - w_zero_point), same attributes as Conv (no bias).
// x_zero_point is a scalar; w_zero_point is a scalar or per output channel [M].
#include "ops/support/conv_shape.hpp"
#include "ops/support/quant.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0) && ctx.has_input(1), "expects inputs x and w");
    ctx.check(is_quantized_type(ctx.input_dtype(0)) && is_quantized_type(ctx.input_dtype(1)),
              "x and w must be uint8 or int8");
    const IntConvShape s = int_conv_shape(ctx, 0, 1);
    check_per_axis(ctx, 2, 1, "x_zero_point");
    check_per_axis(ctx, 3, s.out_channels, "w_zero_point");
    ctx.set_output(0, DType::kInt32, s.out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const IntConvShape s = int_conv_shape(init, 0, 1);
    return make_kernel([s](const KernelRun& r) {
        const std::vector<int32_t> x = centered_int32(r.in(0), r.has_in(2) ? &r.in(2) : nullptr, 0);
        const std::vector<int32_t> w = centered_int32(r.in(1), r.has_in(3) ? &r.in(3) : nullptr, 0);
        int_conv(s, x.data(), w.data(), nullptr, r.out(0).data<int32_t>());
    });
}

}  // namespace

void register_conv_integer(OpRegistry& registry) {
    registry.add({.name = "ConvInteger", .since_version = 10, .infer = infer, .make_kernel = make, .cost = conv_cost});
}

}  // namespace konnx::ops
