// SPDX-License-Identifier: MIT
// DynamicQuantizeLinear (ONNX opset 11): uint8 quantization of a float32 tensor with a scale and zero point
// computed from its range, which always includes 0:
//   y_scale = (max(0, max x) - min(0, min x)) / 255
//   y_zero_point = saturate(round_half_even(0 - min(0, min x) / y_scale))
//   y = saturate(round_half_even(x / y_scale) + y_zero_point)
// All in float32 as in ONNX's reference. An all-zero (or empty) x gives scale 0, zero point 0 and y = 0.
#include "ops/support/quant.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0), "expects input x");
    ctx.check(ctx.input_dtype(0) == DType::kFloat32, "x must be float32, got ", dtype_name(ctx.input_dtype(0)));
    ctx.set_output(0, DType::kUInt8, ctx.input_shape(0));
    if (ctx.has_output(1)) ctx.set_output(1, DType::kFloat32, {});
    if (ctx.has_output(2)) ctx.set_output(2, DType::kUInt8, {});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const float* px = x.data<float>();
        float lo = 0.0f, hi = 0.0f;
        for (int64_t i = 0; i < x.numel(); ++i) {
            lo = std::min(lo, px[i]);
            hi = std::max(hi, px[i]);
        }
        const float scale = (hi - lo) / 255.0f;
        const float zero_point = scale > 0.0f ? std::clamp(std::nearbyint(0.0f - lo / scale), 0.0f, 255.0f) : 0.0f;
        uint8_t* y = r.out(0).data<uint8_t>();
        for (int64_t i = 0; i < x.numel(); ++i)
            y[i] = scale > 0.0f ? saturate_round<uint8_t>(px[i] / scale, zero_point) : 0;
        if (r.has_out(1)) r.out(1).data<float>()[0] = scale;
        if (r.has_out(2)) r.out(2).data<uint8_t>()[0] = static_cast<uint8_t>(zero_point);
    });
}

}  // namespace

void register_dynamic_quantize_linear(OpRegistry& registry) {
    registry.add({.name = "DynamicQuantizeLinear", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
