// SPDX-License-Identifier: MIT
// Shrink (ONNX opset 9): y = x + bias for x < -lambd, x - bias for x > lambd, 0 otherwise; bias = 0 and
// lambd = 0.5 by default. Integer inputs are computed in double and converted back (like numpy's astype).
// Types: all numeric types, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const float bias = init.attr_float("bias", 0.0f), lambd = init.attr_float("lambd", 0.5f);
    return make_kernel([bias, lambd](const KernelRun& r) {
        run_unary(NumericHalfTypes{}, r, [bias, lambd](auto x) {
            using V = std::conditional_t<std::is_floating_point_v<decltype(x)>, decltype(x), double>;
            const V v = static_cast<V>(x);
            return v < -V(lambd) ? v + V(bias) : v > V(lambd) ? v - V(bias) : V(0);
        });
    });
}

}  // namespace

void register_shrink(OpRegistry& registry) {
    registry.add({.name = "Shrink",
                  .since_version = 9,
                  .infer = infer_unary<NumericHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
