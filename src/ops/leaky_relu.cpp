// SPDX-License-Identifier: MIT
// LeakyRelu (ONNX opsets 6, 16): y = x for x >= 0, alpha * x otherwise; alpha = 0.01 by default.
// Types: float, double, float16, bfloat16 (opset 16 adds bfloat16).
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const float alpha = init.attr_float("alpha", 0.01f);
    return make_kernel([alpha](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [alpha](auto x) {
            using V = decltype(x);
            return select(x < V(0), V(alpha) * x, x);
        });
    });
}

}  // namespace

void register_leaky_relu(OpRegistry& registry) {
    registry.add({.name = "LeakyRelu",
                  .since_version = 6,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
