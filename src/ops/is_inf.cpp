// SPDX-License-Identifier: MIT
// IsInf (ONNX opset 10): y = (x is +inf and detect_positive) or (x is -inf and detect_negative), as bool;
// both attributes default to 1. Types: float, double, float16, bfloat16.
#include <limits>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1 && ctx.has_input(0), "expects 1 input");
    check_dtype_in<FloatHalfTypes>(ctx, 0);
    ctx.set_output(0, DType::kBool, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const bool pos = init.attr_int("detect_positive", 1) != 0, neg = init.attr_int("detect_negative", 1) != 0;
    return make_kernel([pos, neg](const KernelRun& r) {
        run_predicate(FloatHalfTypes{}, r, [pos, neg](auto x) {
            using V = decltype(x);
            constexpr V inf = std::numeric_limits<V>::infinity();
            return (pos && x == inf) || (neg && x == -inf);
        });
    });
}

}  // namespace

void register_is_inf(OpRegistry& registry) {
    registry.add({.name = "IsInf", .since_version = 10, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
