// SPDX-License-Identifier: MIT
// Softsign (ONNX opset 1): y = x / (1 + |x|).
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            return x / (V(1) + std::abs(x));
        });
    });
}

}  // namespace

void register_softsign(OpRegistry& registry) {
    registry.add({.name = "Softsign",
                  .since_version = 1,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
