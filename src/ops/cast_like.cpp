// SPDX-License-Identifier: MIT
// CastLike (ONNX opset 15): y = input converted to the element type of target_type (whose data is unused).
// Same conversions as Cast, strings included.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1), "expects 2 inputs");
    check_castable(ctx, ctx.input_dtype(0), ctx.input_dtype(1));
    ctx.set_output(0, ctx.input_dtype(1), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit&) { return make_cast_kernel(); }

}  // namespace

void register_cast_like(OpRegistry& registry) {
    registry.add({.name = "CastLike",
                  .since_version = 15,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost,
                  .strings = true});
}

}  // namespace konnx::ops
