// SPDX-License-Identifier: MIT
// Mish (ONNX opset 18): y = x * tanh(softplus(x)) = x * tanh(ln(1 + e^x)); log1p keeps large negative x exact
// and softplus is x itself past 20 (e^x would overflow in float). Types: float, double, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            const V softplus = x > V(20) ? x : std::log1p(std::exp(x));
            return x * std::tanh(softplus);
        });
    });
}

}  // namespace

void register_mish(OpRegistry& registry) {
    registry.add({.name = "Mish",
                  .since_version = 18,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
