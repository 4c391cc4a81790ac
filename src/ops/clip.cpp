// SPDX-License-Identifier: MIT
// Clip (ONNX opsets 6, 11, 12, 13): y = min(max(x, min), max); when min > max every element becomes max.
// Opset 6 takes min/max as float attributes (default: the type's whole range); since opset 11 they are optional
// scalar inputs (absent or "" means unbounded), read at run time. Opset 12 adds integer types. NaN stays NaN.
// Types: all numeric types, float16, bfloat16.
#include <algorithm>
#include <limits>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() >= 1 && ctx.num_inputs() <= 3 && ctx.has_input(0), "expects 1 to 3 inputs, got ",
              ctx.num_inputs());
    if (ctx.opset() < 12)
        check_dtype_in<FloatHalfTypes>(ctx, 0);  // integer types arrived in opset 12
    else
        check_dtype_in<NumericHalfTypes>(ctx, 0);
    for (std::size_t i = 1; i < ctx.num_inputs(); ++i) {
        if (!ctx.has_input(i)) continue;
        ctx.check(ctx.opset() >= 11, "min/max are attributes before opset 11, not inputs");
        check_same_dtype(ctx, i);
        ctx.check(product(ctx.input_shape(i)) == 1, "input ", i == 1 ? "min" : "max", " must be a scalar, got shape ",
                  shape_str(ctx.input_shape(i)));
    }
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

template <class T>
void run_clip(const Tensor& x, Tensor& y, compute_t<T> lo, compute_t<T> hi) {
    map_unary<T, T>(x, y, [lo, hi](T v) { return narrow<T>(std::min(std::max(widen(v), lo), hi)); });
}

// Opset 6: bounds from the attributes.
std::unique_ptr<Kernel> make_v6(const KernelInit& init) {
    const float lo = init.attr_float("min", std::numeric_limits<float>::lowest());
    const float hi = init.attr_float("max", std::numeric_limits<float>::max());
    return make_kernel([lo, hi](const KernelRun& r) {
        dispatch_list(FloatHalfTypes{}, r.in(0).dtype(), [&]<class T>() {
            run_clip<T>(r.in(0), r.out(0), static_cast<compute_t<T>>(lo), static_cast<compute_t<T>>(hi));
        });
    });
}

// Opset 11+: bounds from the optional inputs.
std::unique_ptr<Kernel> make_v11(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        dispatch_list(NumericHalfTypes{}, r.in(0).dtype(), [&]<class T>() {
            using C = compute_t<T>;
            const C lo = r.has_in(1) ? widen(r.in(1).data<T>()[0]) : std::numeric_limits<C>::lowest();
            const C hi = r.has_in(2) ? widen(r.in(2).data<T>()[0]) : std::numeric_limits<C>::max();
            run_clip<T>(r.in(0), r.out(0), lo, hi);
        });
    });
}

}  // namespace

void register_clip(OpRegistry& registry) {
    registry.add({.name = "Clip", .since_version = 6, .infer = infer, .make_kernel = make_v6, .cost = streaming_cost});
    registry.add(
        {.name = "Clip", .since_version = 11, .infer = infer, .make_kernel = make_v11, .cost = streaming_cost});
}

}  // namespace konnx::ops
