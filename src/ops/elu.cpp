// SPDX-License-Identifier: MIT
// Elu (ONNX opset 6): y = x for x >= 0, alpha * (e^x - 1) otherwise (expm1 keeps small |x| exact);
// alpha = 1 by default. Types: float, double, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const float alpha = init.attr_float("alpha", 1.0f);
    return make_kernel([alpha](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [alpha](auto x) {
            using V = decltype(x);
            return x >= V(0) ? x : V(alpha) * std::expm1(x);
        });
    });
}

}  // namespace

void register_elu(OpRegistry& registry) {
    registry.add({.name = "Elu",
                  .since_version = 6,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
