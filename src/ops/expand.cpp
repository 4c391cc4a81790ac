// SPDX-License-Identifier: MIT
// Expand (ONNX opsets 8, 13): broadcasts the input against the shape in input 1 (numpy rules in both
// directions, so a 1 in the shape keeps the input's dim). A strided copy with stride 0 on broadcast axes.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    ctx.check(ctx.input_rank(1) == 1, "shape input must be 1-D");
    const auto shape = int_values(ctx.require_value(1));
    Shape out;
    try {
        out = broadcast_shapes(ctx.input_shape(0), shape);
    } catch (const Error& e) {
        ctx.fail(e.what());
    }
    checked_numel(out);
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([strides = broadcast_strides(init.input_shape(0), init.output_shape(0))](const KernelRun& r) {
        strided_copy(r.in(0).raw(), r.out(0).raw(), dtype_size(r.in(0).dtype()), r.out(0).shape(), strides);
    });
}

}  // namespace

void register_expand(OpRegistry& registry) {
    registry.add({.name = "Expand", .since_version = 8, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
