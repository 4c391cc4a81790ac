// SPDX-License-Identifier: MIT
// Sum (ONNX opsets 6, 8, 13): elementwise sum of one or more inputs with numpy broadcasting (opset 6 required
// equal shapes, a special case), added left to right. Types: float, double, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel(
        [](const KernelRun& r) { run_variadic(FloatHalfTypes{}, r, [](auto a, auto b) { return a + b; }); });
}

}  // namespace

void register_sum(OpRegistry& registry) {
    registry.add({.name = "Sum",
                  .since_version = 6,
                  .infer = infer_variadic_of<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
