// SPDX-License-Identifier: MIT
#include "ops/support/elementwise.hpp"

namespace konnx::ops {

void infer_same_as_input(InferContext& ctx) { ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0)); }

void infer_broadcast(InferContext& ctx, DType dtype) {
    Shape shape = ctx.input_shape(0);
    for (std::size_t i = 1; i < ctx.num_inputs(); ++i) {
        if (!ctx.has_input(i)) continue;
        try {
            shape = broadcast_shapes(shape, ctx.input_shape(i));
        } catch (const Error& e) {
            ctx.fail(e.what());
        }
    }
    ctx.set_output(0, dtype == DType::kUndefined ? ctx.input_dtype(0) : dtype, std::move(shape));
}

}  // namespace konnx::ops
