// SPDX-License-Identifier: MIT
// Sigmoid (ONNX opsets 6, 13): y = 1 / (1 + e^-x), computed from e = e^-|x| as 1 / (1 + e) for x >= 0 and
// e / (1 + e) otherwise, so large |x| neither overflows nor loses the tiny results. Float (and the 16-bit types,
// computed in float) use a vectorizable e^x within 2 ulp, giving results within about 2e-7 relative error;
// double uses std::exp. Types: float, double, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            V e;
            if constexpr (std::is_same_v<V, float>)
                e = exp_nonpositive(-std::abs(x));
            else
                e = std::exp(-std::abs(x));  // in (0, 1]
            const V s = V(1) / (V(1) + e);
            return select(x < V(0), e * s, s);
        });
    });
}

}  // namespace

void register_sigmoid(OpRegistry& registry) {
    registry.add({.name = "Sigmoid",
                  .since_version = 6,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
