// SPDX-License-Identifier: MIT
// Neg (ONNX opsets 6, 13): y = -x. Integer negation wraps like numpy (-INT_MIN = INT_MIN).
// Types: float, double, float16, bfloat16, int8, int16, int32, int64.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(SignedTypes{}, r, [](auto x) {
            using V = decltype(x);
            if constexpr (std::is_floating_point_v<V>)
                return -x;
            else
                return wrap_sub(V(0), x);
        });
    });
}

}  // namespace

void register_neg(OpRegistry& registry) {
    registry.add({.name = "Neg",
                  .since_version = 6,
                  .infer = infer_unary<SignedTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
