// SPDX-License-Identifier: MIT
// ThresholdedRelu (ONNX opset 10): y = x for x > alpha, 0 otherwise; alpha = 1 by default.
// Types: float, double, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const float alpha = init.attr_float("alpha", 1.0f);
    return make_kernel([alpha](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [alpha](auto x) {
            using V = decltype(x);
            return x > V(alpha) ? x : V(0);
        });
    });
}

}  // namespace

void register_thresholded_relu(OpRegistry& registry) {
    registry.add({.name = "ThresholdedRelu",
                  .since_version = 10,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
