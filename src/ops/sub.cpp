// SPDX-License-Identifier: MIT
// Sub (ONNX opsets 1, 6, 7, 13, 14): numpy-broadcast difference a - b; integers wrap around like numpy.
// Opsets < 7 broadcast B to A only with broadcast=1 (aligned at `axis`).
// Types: all numeric types, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_binary_kernel<NumericHalfTypes>(init, [](auto a, auto b) { return wrap_sub(a, b); });
}

}  // namespace

void register_sub(OpRegistry& registry) {
    registry.add({.name = "Sub",
                  .since_version = 1,
                  .infer = infer_binary_same<NumericHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
