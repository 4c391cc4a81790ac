// SPDX-License-Identifier: MIT
// Equal (ONNX opsets 1, 7, 11, 13): numpy-broadcast a == b as bool (opset 1: legacy `broadcast`/`axis`).
// Types: bool, all numeric types, float16, bfloat16 (strings are not supported).
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_compare_kernel<NumericHalfBoolTypes>(init, [](auto a, auto b) { return a == b; });
}

}  // namespace

void register_equal(OpRegistry& registry) {
    registry.add(
        {.name = "Equal", .since_version = 1, .infer = infer_compare<NumericHalfBoolTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
