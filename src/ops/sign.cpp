// SPDX-License-Identifier: MIT
// Sign (ONNX opsets 9, 13): y = 1 for x > 0, -1 for x < 0, 0 for 0; NaN stays NaN (numpy.sign).
// Types: all numeric types, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(NumericHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            if constexpr (std::is_unsigned_v<V>)
                return x > V(0) ? V(1) : V(0);
            else
                return x > V(0) ? V(1) : x < V(0) ? V(-1) : x;  // x is 0 or NaN here
        });
    });
}

}  // namespace

void register_sign(OpRegistry& registry) {
    registry.add({.name = "Sign",
                  .since_version = 9,
                  .infer = infer_unary<NumericHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
