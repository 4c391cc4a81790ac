// SPDX-License-Identifier: MIT
// Sqrt (ONNX opsets 6, 13): y = sqrt(x); negative x gives NaN.
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { run_unary(FloatHalfTypes{}, r, [](auto x) { return std::sqrt(x); }); });
}

}  // namespace

void register_sqrt(OpRegistry& registry) {
    registry.add({.name = "Sqrt",
                  .since_version = 6,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
