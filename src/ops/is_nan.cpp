// SPDX-License-Identifier: MIT
// IsNaN (ONNX opsets 9, 13): y = (x is NaN), as bool. Types: float, double, float16, bfloat16.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1 && ctx.has_input(0), "expects 1 input");
    check_dtype_in<FloatHalfTypes>(ctx, 0);
    ctx.set_output(0, DType::kBool, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { run_predicate(FloatHalfTypes{}, r, [](auto x) { return x != x; }); });
}

}  // namespace

void register_is_nan(OpRegistry& registry) {
    registry.add({.name = "IsNaN", .since_version = 9, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
