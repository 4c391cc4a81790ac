// SPDX-License-Identifier: MIT
// Gelu (ONNX opset 20): y = x * Phi(x) with Phi the standard normal CDF, 0.5 * (1 + erf(x / sqrt 2)) for
// approximate = "none" (default), or the tanh form 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))) for
// approximate = "tanh". Types: float, double, float16, bfloat16.
#include <cmath>
#include <string>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

bool tanh_form(const NodeContext& ctx) {
    const std::string mode = ctx.attr_string("approximate", "none");
    ctx.check(mode == "none" || mode == "tanh", "approximate must be \"none\" or \"tanh\", got \"", mode, "\"");
    return mode == "tanh";
}

void infer(InferContext& ctx) {
    tanh_form(ctx);
    infer_unary<FloatHalfTypes>(ctx);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    if (tanh_form(init))
        return make_kernel([](const KernelRun& r) {
            run_unary(FloatHalfTypes{}, r, [](auto x) {
                using V = decltype(x);
                const V k = static_cast<V>(0.79788456080286535588);  // sqrt(2 / pi)
                return V(0.5) * x * (V(1) + std::tanh(k * (x + V(0.044715) * x * x * x)));
            });
        });
    return make_kernel([](const KernelRun& r) {
        run_unary(FloatHalfTypes{}, r, [](auto x) {
            using V = decltype(x);
            return V(0.5) * x * (V(1) + std::erf(x * static_cast<V>(0.70710678118654752440)));
        });
    });
}

}  // namespace

void register_gelu(OpRegistry& registry) {
    registry.add({.name = "Gelu", .since_version = 20, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
