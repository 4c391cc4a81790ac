// SPDX-License-Identifier: MIT
// Tanh (ONNX opsets 6, 13): y = tanh(x).
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { run_unary(FloatHalfTypes{}, r, [](auto x) { return std::tanh(x); }); });
}

}  // namespace

void register_tanh(OpRegistry& registry) {
    registry.add({.name = "Tanh", .since_version = 6, .infer = infer_unary<FloatHalfTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
