// SPDX-License-Identifier: MIT
// Tile (ONNX opsets 6, 13): repeats the input repeats[d] times along each axis d. The output is viewed
// as [r0, d0, r1, d1, ...] and filled by one strided copy with stride 0 on the repeat axes.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

std::vector<int64_t> repeats(const NodeContext& ctx) {
    auto reps = int_values(ctx.require_value(1));
    ctx.check(static_cast<int64_t>(reps.size()) == ctx.input_rank(0), "repeats has ", reps.size(), " entries for rank ",
              ctx.input_rank(0));
    for (int64_t r : reps)
        ctx.check(r >= 0, "negative repeat ", r);
    return reps;
}

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    const auto reps = repeats(ctx);
    Shape out = ctx.input_shape(0);
    for (std::size_t d = 0; d < out.size(); ++d) {
        ctx.check(reps[d] == 0 || out[d] <= kMaxElements / reps[d], "output too large");
        out[d] *= reps[d];
    }
    checked_numel(out);
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto reps = repeats(init);
    const Shape& in = init.input_shape(0);
    const auto in_strides = strides_of(in);
    Shape view;
    std::vector<int64_t> strides;
    for (std::size_t d = 0; d < in.size(); ++d) {
        view.insert(view.end(), {reps[d], in[d]});
        strides.insert(strides.end(), {0, in_strides[d]});
    }
    return make_kernel([view, strides](const KernelRun& r) {
        strided_copy(r.in(0).raw(), r.out(0).raw(), dtype_size(r.in(0).dtype()), view, strides);
    });
}

}  // namespace

void register_tile(OpRegistry& registry) {
    registry.add({.name = "Tile", .since_version = 6, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
