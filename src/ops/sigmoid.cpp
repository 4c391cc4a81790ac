// SPDX-License-Identifier: MIT
// Sigmoid (ONNX opsets 6, 13): y = 1 / (1 + e^-x), computed as e^x / (1 + e^x) for negative x so that
// large |x| neither overflows nor loses the tiny results. Types: float, double, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            const V e = std::exp(-std::abs(x));  // in (0, 1]
            const V s = V(1) / (V(1) + e);
            return x >= V(0) ? s : e * s;
        });
    });
}

}  // namespace

void register_sigmoid(OpRegistry& registry) {
    registry.add({.name = "Sigmoid", .since_version = 6, .infer = infer_unary<FloatHalfTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
