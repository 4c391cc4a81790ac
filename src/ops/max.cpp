// SPDX-License-Identifier: MIT
// Max (ONNX opsets 6, 8, 12, 13): elementwise maximum of one or more inputs with numpy broadcasting (opset 6
// required equal shapes, a special case). NaN propagates, like numpy.maximum. Opset 12 adds integer types.
// Types: all numeric types, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_variadic(NumericHalfTypes{}, r, [](auto a, auto b) {
            if constexpr (std::is_floating_point_v<decltype(a)>)
                return select((a > b) | (a != a), a, b);
            else
                return a > b ? a : b;
        });
    });
}

}  // namespace

void register_max(OpRegistry& registry) {
    registry.add({.name = "Max",
                  .since_version = 6,
                  .infer = infer_variadic_of<NumericHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
