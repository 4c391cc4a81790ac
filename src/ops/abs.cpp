// SPDX-License-Identifier: MIT
// Abs (ONNX opsets 6, 13): y = |x|. Integer abs wraps like numpy (|INT_MIN| = INT_MIN); unsigned is identity.
// Types: all numeric types, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(NumericHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            if constexpr (std::is_floating_point_v<V>)
                return std::abs(x);
            else if constexpr (std::is_unsigned_v<V>)
                return x;
            else
                return x < V(0) ? wrap_sub(V(0), x) : x;
        });
    });
}

}  // namespace

void register_abs(OpRegistry& registry) {
    registry.add({.name = "Abs",
                  .since_version = 6,
                  .infer = infer_unary<NumericHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
