// SPDX-License-Identifier: MIT
// HardSigmoid (ONNX opsets 6): y = max(0, min(1, alpha * x + beta)); alpha = 0.2, beta = 0.5 by
// default. Types: float, double, float16, bfloat16.
#include <algorithm>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const float alpha = init.attr_float("alpha", 0.2f), beta = init.attr_float("beta", 0.5f);
    return make_kernel([alpha, beta](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [alpha, beta](auto x) {
            using V = decltype(x);
            return std::max(V(0), std::min(V(1), V(alpha) * x + V(beta)));
        });
    });
}

}  // namespace

void register_hard_sigmoid(OpRegistry& registry) {
    registry.add({.name = "HardSigmoid",
                  .since_version = 6,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
