// SPDX-License-Identifier: MIT
// Selu (ONNX opset 6): y = gamma * x for x > 0, gamma * alpha * (e^x - 1) otherwise; the defaults are
// alpha = 1.67326319217681884765625 and gamma = 1.05070102214813232421875 (the float32 values of the spec).
// Types: float, double, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const float alpha = init.attr_float("alpha", 1.67326319217681884765625f);
    const float gamma = init.attr_float("gamma", 1.05070102214813232421875f);
    return make_kernel([alpha, gamma](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [alpha, gamma](auto x) {
            using V = decltype(x);
            return V(gamma) * (x > V(0) ? x : V(alpha) * std::expm1(x));
        });
    });
}

}  // namespace

void register_selu(OpRegistry& registry) {
    registry.add({.name = "Selu",
                  .since_version = 6,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
