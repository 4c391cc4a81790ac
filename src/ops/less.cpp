// SPDX-License-Identifier: MIT
// Less (ONNX opsets 1, 7, 9, 13): numpy-broadcast a < b as bool (opset 1: legacy `broadcast`/`axis`).
// Types: all numeric types, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_compare_kernel<NumericHalfTypes>(init, [](auto a, auto b) { return a < b; });
}

}  // namespace

void register_less(OpRegistry& registry) {
    registry.add({.name = "Less",
                  .since_version = 1,
                  .infer = infer_compare<NumericHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
