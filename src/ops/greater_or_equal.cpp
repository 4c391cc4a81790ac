// SPDX-License-Identifier: MIT
// GreaterOrEqual (ONNX opsets 12, 16): numpy-broadcast a >= b as bool.
// Types: all numeric types, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_compare_kernel<NumericHalfTypes>(init, [](auto a, auto b) { return a >= b; });
}

}  // namespace

void register_greater_or_equal(OpRegistry& registry) {
    registry.add({.name = "GreaterOrEqual",
                  .since_version = 12,
                  .infer = infer_compare<NumericHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
