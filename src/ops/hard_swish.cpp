// SPDX-License-Identifier: MIT
// HardSwish (ONNX opset 14): y = x * max(0, min(1, x / 6 + 1/2)) (HardSigmoid with alpha 1/6, beta 1/2).
// Types: float, double, float16, bfloat16.
#include <algorithm>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            return x * std::max(V(0), std::min(V(1), x * V(1.0 / 6.0) + V(0.5)));
        });
    });
}

}  // namespace

void register_hard_swish(OpRegistry& registry) {
    registry.add({.name = "HardSwish",
                  .since_version = 14,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
