// SPDX-License-Identifier: MIT
// Erf (ONNX opsets 9, 13): y = erf(x).
// Types: float, double, float16, bfloat16 (the 16-bit types are computed in float).
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            if constexpr (std::is_same_v<decltype(x), float>)
                return erf_float(x);  // vectorized (elementwise_math.hpp)
            else
                return std::erf(x);
        });
    });
}

}  // namespace

void register_erf(OpRegistry& registry) {
    registry.add({.name = "Erf",
                  .since_version = 9,
                  .infer = infer_unary<FloatHalfTypes>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
