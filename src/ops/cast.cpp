// SPDX-License-Identifier: MIT
// Cast (ONNX opsets 6, 9, 13): y = x converted to the type `to` (required). Every pair of numeric, bool, float16
// and bfloat16 types is supported; float -> integer truncates toward zero and saturates (NaN -> 0), x -> bool is
// x != 0. Strings (opset 9+) convert to and from float, double and integer types (ops/support/string_cast.hpp).
#include "ops/support/elementwise_math.hpp"
#include "ops/support/string_cast.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1 && ctx.has_input(0), "expects 1 input");
    const auto to = static_cast<DType>(ctx.attr_int("to"));
    const bool strings = is_string_cast(ctx.input_dtype(0), to);
    if (strings ? !string_castable(ctx.input_dtype(0)) || !string_castable(to)
                : !castable(ctx.input_dtype(0)) || !castable(to))
        ctx.unsupported("cast from ", dtype_name(ctx.input_dtype(0)), " to ", dtype_name(to), " is not supported",
                        strings ? " (strings convert to and from float, double and integer types)" : "");
    ctx.set_output(0, to, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        if (is_string_cast(r.in(0).dtype(), r.out(0).dtype()))
            cast_string_tensor(r.in(0), r.out(0));
        else
            cast_tensor(r.in(0), r.out(0));
    });
}

}  // namespace

void register_cast(OpRegistry& registry) {
    registry.add({.name = "Cast", .since_version = 6, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
