// SPDX-License-Identifier: MIT
// Cast (ONNX opsets 6, 9, 13): y = x converted to the type `to` (required). Every pair of numeric, bool, float16
// and bfloat16 types is supported; float -> integer truncates toward zero and saturates (NaN -> 0), x -> bool is
// x != 0. Strings (opset 9+) convert to and from float, double and integer types (ops/support/string_cast.hpp).
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1 && ctx.has_input(0), "expects 1 input");
    const auto to = static_cast<DType>(ctx.attr_int("to"));
    check_castable(ctx, ctx.input_dtype(0), to);
    ctx.set_output(0, to, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit&) { return make_cast_kernel(); }

}  // namespace

void register_cast(OpRegistry& registry) {
    registry.add({.name = "Cast",
                  .since_version = 6,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost,
                  .strings = true});
}

}  // namespace konnx::ops
