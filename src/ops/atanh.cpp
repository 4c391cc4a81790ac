// SPDX-License-Identifier: MIT
// Atanh (ONNX opset 9): y = atanh(x); |x| > 1 gives NaN.
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel(
        [](const KernelRun& r) { run_unary(FloatHalfTypes{}, r, [](auto x) { return std::atanh(x); }); });
}

}  // namespace

void register_atanh(OpRegistry& registry) {
    registry.add({.name = "Atanh", .since_version = 9, .infer = infer_unary<FloatHalfTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
