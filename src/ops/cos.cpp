// SPDX-License-Identifier: MIT
// Cos (ONNX opset 7): y = cos(x).
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { run_unary(FloatHalfTypes{}, r, [](auto x) { return std::cos(x); }); });
}

}  // namespace

void register_cos(OpRegistry& registry) {
    registry.add({.name = "Cos", .since_version = 7, .infer = infer_unary<FloatHalfTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
