// SPDX-License-Identifier: MIT
// Squeeze (ONNX opsets 1, 11, 13): removes size-1 axes. The axes come from the attribute before
// opset 13 and from the optional input 1 after; without them every size-1 axis is removed.
// Naming an axis whose size is not 1 is an error. The kernel is a memcpy.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    std::vector<int64_t> axes;
    bool given = false;
    if (ctx.opset() >= 13) {
        if (ctx.has_input(1)) axes = int_values(ctx.require_value(1)), given = true;
    } else if (ctx.has_attr("axes")) {
        axes = ctx.attr_ints("axes"), given = true;
    }
    std::vector<bool> drop(in.size());
    for (int64_t a : axes) {
        const auto axis = axis_index(ctx, a, ctx.input_rank(0));
        ctx.check(in[axis] == 1, "cannot squeeze axis ", a, " of size ", in[axis]);
        drop[axis] = true;
    }
    Shape out;
    for (std::size_t d = 0; d < in.size(); ++d)
        if (!(given ? drop[d] : in[d] == 1)) out.push_back(in[d]);
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { copy_bytes(r.in(0), r.out(0)); });
}

}  // namespace

void register_squeeze(OpRegistry& registry) {
    registry.add({.name = "Squeeze", .since_version = 1, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
