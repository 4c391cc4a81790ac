// SPDX-License-Identifier: MIT
// QuantizeLinear (ONNX opsets 10, 13): y = saturate(round_half_even(x / y_scale) + y_zero_point).
// Opset 10: scalar scale and zero point; opset 13 adds per-axis ones along `axis` (default 1). The output type is
// the zero point's (uint8 or int8), uint8 when it is absent. x is float32 or int32; the division is in float32
// as in ONNX's reference.
#include "core/dispatch.hpp"
#include "core/shape.hpp"
#include "ops/support/quant.hpp"

namespace konnx::ops {
namespace {

// The per-axis axis (opset 13); irrelevant, and not validated, for a per-tensor (1-element) scale.
int64_t quant_axis(const NodeContext& ctx) {
    if (ctx.opset() < 13 || product(ctx.input_shape(1)) == 1) return 0;
    return normalize_axis(ctx.attr_int("axis", 1), std::max<int64_t>(ctx.input_rank(0), 1));
}

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0) && ctx.has_input(1), "expects inputs x and y_scale");
    const DType x = ctx.input_dtype(0);
    ctx.check(x == DType::kFloat32 || x == DType::kInt32, "x must be float32 or int32, got ", dtype_name(x));
    ctx.check(ctx.input_dtype(1) == DType::kFloat32, "y_scale must be float32");
    const DType out = ctx.has_input(2) ? ctx.input_dtype(2) : DType::kUInt8;
    ctx.check(is_quantized_type(out), "y_zero_point must be uint8 or int8, got ", dtype_name(out));
    const int64_t axis = quant_axis(ctx);
    const int64_t len = ctx.input_rank(0) ? ctx.input_shape(0)[axis] : 1;
    check_per_axis(ctx, 1, ctx.opset() < 13 ? 1 : len, "y_scale");
    check_per_axis(ctx, 2, ctx.opset() < 13 ? 1 : len, "y_zero_point");
    ctx.set_output(0, out, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const int64_t axis = quant_axis(init);
    return make_kernel([axis](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const Shape& shape = x.shape();
        const int64_t rank = static_cast<int64_t>(shape.size());
        const int64_t len = rank ? shape[axis] : 1, inner = rank ? product(shape, axis + 1, shape.size()) : 1;
        const Tensor* zp = r.has_in(2) ? &r.in(2) : nullptr;
        dispatch<float, int32_t>(x.dtype(), [&]<class T>() {
            const T* px = x.data<T>();
            for (int64_t i = 0; i < x.numel(); ++i) {
                const int64_t k = (i / inner) % len;
                const float q = static_cast<float>(px[i]) / static_cast<float>(per_axis_value(&r.in(1), k));
                store_quantized(r.out(0), i, q, per_axis_value(zp, k));
            }
        });
    });
}

}  // namespace

void register_quantize_linear(OpRegistry& registry) {
    registry.add({.name = "QuantizeLinear", .since_version = 10, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
