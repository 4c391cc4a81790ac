// SPDX-License-Identifier: MIT
// Celu (ONNX opset 12): y = max(0, x) + min(0, alpha * (e^(x / alpha) - 1)); alpha = 1 by default and must not
// be 0. Types: float, double, float16, bfloat16 (ONNX lists float only).
#include <algorithm>
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.attr_float("alpha", 1.0f) != 0.0f, "alpha must not be 0");
    infer_unary<FloatHalfTypes>(ctx);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const float alpha = init.attr_float("alpha", 1.0f);
    return make_kernel([alpha](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [alpha](auto x) {
            using V = decltype(x);
            return std::max(V(0), x) + std::min(V(0), V(alpha) * std::expm1(x / V(alpha)));
        });
    });
}

}  // namespace

void register_celu(OpRegistry& registry) {
    registry.add({.name = "Celu", .since_version = 12, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
