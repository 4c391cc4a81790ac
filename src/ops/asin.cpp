// SPDX-License-Identifier: MIT
// Asin (ONNX opset 7): y = asin(x); |x| > 1 gives NaN.
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { run_unary(FloatHalfTypes{}, r, [](auto x) { return std::asin(x); }); });
}

}  // namespace

void register_asin(OpRegistry& registry) {
    registry.add({.name = "Asin", .since_version = 7, .infer = infer_unary<FloatHalfTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
