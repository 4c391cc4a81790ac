// SPDX-License-Identifier: MIT
// CastLike (ONNX opset 15): y = input converted to the element type of target_type (whose data is unused).
// Same conversions as Cast, strings included.
#include "ops/support/elementwise_math.hpp"
#include "ops/support/string_cast.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1), "expects 2 inputs");
    const DType from = ctx.input_dtype(0), to = ctx.input_dtype(1);
    const bool strings = is_string_cast(from, to);
    if (strings ? !string_castable(from) || !string_castable(to) : !castable(from) || !castable(to))
        ctx.unsupported("cast from ", dtype_name(from), " to ", dtype_name(to), " is not supported",
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

void register_cast_like(OpRegistry& registry) {
    registry.add({.name = "CastLike", .since_version = 15, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
