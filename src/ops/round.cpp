// SPDX-License-Identifier: MIT
// Round (ONNX opset 11): y = x rounded to the nearest integer, halves to even (numpy.round), via nearbyint in the
// default rounding mode.
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel(
        [](const KernelRun& r) { run_unary(FloatHalfTypes{}, r, [](auto x) { return std::nearbyint(x); }); });
}

}  // namespace

void register_round(OpRegistry& registry) {
    registry.add({.name = "Round",
                  .since_version = 11,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
