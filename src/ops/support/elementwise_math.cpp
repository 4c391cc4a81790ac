// SPDX-License-Identifier: MIT
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {

void check_same_dtype(const NodeContext& ctx, std::size_t i) {
    ctx.check(ctx.input_dtype(i) == ctx.input_dtype(0), "input ", i, " has type ", dtype_name(ctx.input_dtype(i)),
              " but input 0 has ", dtype_name(ctx.input_dtype(0)));
}

Shape binary_b_shape(const NodeContext& ctx) {
    ctx.check(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1), "expects 2 inputs, got ",
              ctx.num_inputs());
    const Shape& a = ctx.input_shape(0);
    const Shape& b = ctx.input_shape(1);
    if (ctx.opset() >= 7 || ctx.attr_int("broadcast", 0) == 0) return b;
    // Legacy broadcast: B's dims match A's dims [axis, axis + rank(B)).
    const auto ra = static_cast<int64_t>(a.size()), rb = static_cast<int64_t>(b.size());
    ctx.check(rb <= ra, "with broadcast=1, B ", shape_str(b), " must not have more dims than A ", shape_str(a));
    const int64_t axis = ctx.has_attr("axis") ? ctx.attr_int("axis") : ra - rb;
    ctx.check(axis >= 0 && axis + rb <= ra, "axis ", axis, " does not fit B ", shape_str(b), " into A ", shape_str(a));
    if (rb == 1 && b[0] == 1) return b;  // a scalar-like B broadcasts anywhere
    Shape out(static_cast<std::size_t>(ra), 1);
    for (int64_t i = 0; i < rb; ++i) {
        const int64_t d = b[static_cast<std::size_t>(i)];
        ctx.check(d == 1 || d == a[static_cast<std::size_t>(axis + i)], "B ", shape_str(b), " does not match A ",
                  shape_str(a), " at axis ", axis);
        out[static_cast<std::size_t>(axis + i)] = d;
    }
    return out;
}

void infer_binary(InferContext& ctx, DType dtype) {
    const Shape b = binary_b_shape(ctx);
    Shape shape;
    try {
        shape = broadcast_shapes(ctx.input_shape(0), b);
    } catch (const Error& e) {
        ctx.fail(e.what());
    }
    ctx.set_output(0, dtype == DType::kUndefined ? ctx.input_dtype(0) : dtype, std::move(shape));
}

void infer_variadic(InferContext& ctx) {
    ctx.check(ctx.num_inputs() >= 1, "expects at least one input");
    for (std::size_t i = 0; i < ctx.num_inputs(); ++i) {
        ctx.check(ctx.has_input(i), "input ", i, " is missing");
        check_same_dtype(ctx, i);
    }
    infer_broadcast(ctx);
}

}  // namespace konnx::ops
