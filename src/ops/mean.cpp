// SPDX-License-Identifier: MIT
// Mean (ONNX opsets 6, 8, 13): elementwise mean of one or more inputs with numpy broadcasting (opset 6 required
// equal shapes, a special case): the left-to-right sum divided by the input count.
// Types: float, double, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_variadic(FloatHalfTypes{}, r, [](auto a, auto b) { return a + b; });
        const auto n = static_cast<double>(r.num_inputs());
        dispatch_list(FloatHalfTypes{}, r.out(0).dtype(), [&]<class T>() {
            const auto scale = static_cast<compute_t<T>>(1.0 / n);
            map_unary<T, T>(r.out(0), r.out(0), [scale](T x) { return narrow<T>(widen(x) * scale); });
        });
    });
}

}  // namespace

void register_mean(OpRegistry& registry) {
    registry.add({.name = "Mean",
                  .since_version = 6,
                  .infer = infer_variadic_of<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
