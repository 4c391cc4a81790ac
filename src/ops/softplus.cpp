// SPDX-License-Identifier: MIT
// Softplus (ONNX opset 1): y = ln(1 + e^x), computed as max(x, 0) + ln(1 + e^-|x|) so large x does not
// overflow. Types: float, double, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            return std::max(x, V(0)) + std::log1p(std::exp(-std::abs(x)));
        });
    });
}

}  // namespace

void register_softplus(OpRegistry& registry) {
    registry.add({.name = "Softplus",
                  .since_version = 1,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
