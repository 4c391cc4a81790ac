// SPDX-License-Identifier: MIT
// Cosh (ONNX opset 9): y = cosh(x).
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { run_unary(FloatHalfTypes{}, r, [](auto x) { return std::cosh(x); }); });
}

}  // namespace

void register_cosh(OpRegistry& registry) {
    registry.add({.name = "Cosh", .since_version = 9, .infer = infer_unary<FloatHalfTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
