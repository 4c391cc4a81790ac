// SPDX-License-Identifier: MIT
// Div (ONNX opsets 1, 6, 7, 13, 14): numpy-broadcast quotient a / b. Integer division truncates toward zero
// (C semantics, which ONNX's integer test vectors follow); integer division by zero gives 0 instead of trapping,
// and INT_MIN / -1 wraps. Opsets < 7 broadcast B to A only with broadcast=1 (aligned at `axis`).
// Types: all numeric types, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_binary_kernel<NumericHalfTypes>(init, [](auto a, auto b) {
        using V = decltype(a);
        if constexpr (std::is_integral_v<V>) {
            if (b == V(0)) return V(0);
            if constexpr (std::is_signed_v<V>)
                if (b == V(-1)) return wrap_sub(V(0), a);
            return static_cast<V>(a / b);
        } else {
            return a / b;
        }
    });
}

}  // namespace

void register_div(OpRegistry& registry) {
    registry.add({.name = "Div",
                  .since_version = 1,
                  .infer = infer_binary_same<NumericHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
