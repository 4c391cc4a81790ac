// SPDX-License-Identifier: MIT
// Tanh (ONNX opsets 6, 13): y = tanh(x). Float (and the 16-bit types, computed in float) use a vectorizable form:
// Cephes' odd polynomial for |x| < 0.625, else sign(x) * (1 - e) / (1 + e) with e = e^(-2|x|) (|x| capped at 9,
// where tanh is 1 in float); about 2e-7 relative error. Double uses std::tanh.
// Types: float, double, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

inline float tanh_float(float x) {
    const float ax = select(std::abs(x) > 9.0f, 9.0f, std::abs(x));
    const float e = exp_nonpositive(-2.0f * ax);
    const float large = std::copysign((1.0f - e) / (1.0f + e), x);
    const float z = x * x;
    const float small =
        ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z -
         3.33332819422e-1f) *
            z * x +
        x;
    return select(ax < 0.625f, small, large);
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            if constexpr (std::is_same_v<decltype(x), float>)
                return tanh_float(x);
            else
                return std::tanh(x);
        });
    });
}

}  // namespace

void register_tanh(OpRegistry& registry) {
    registry.add({.name = "Tanh",
                  .since_version = 6,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
