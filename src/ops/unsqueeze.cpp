// SPDX-License-Identifier: MIT
// Unsqueeze (ONNX opsets 1, 11, 13): inserts size-1 axes at the given positions of the OUTPUT
// (negative ones count from the output's rank; any order). The axes are an attribute before
// opset 13 and input 1 after. The kernel is a memcpy.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    const auto axes = ctx.opset() >= 13 ? int_values(ctx.require_value(1)) : ctx.attr_ints("axes");
    const auto rank = static_cast<int64_t>(in.size() + axes.size());
    ctx.check(rank <= kMaxRank, "output rank ", rank, " is too large");
    std::vector<bool> inserted(static_cast<std::size_t>(rank));
    for (int64_t a : axes) {
        const auto axis = static_cast<std::size_t>(normalize_axis(a, rank));
        ctx.check(!inserted[axis], "axis ", a, " repeats");
        inserted[axis] = true;
    }
    Shape out;
    std::size_t next = 0;
    for (std::size_t d = 0; d < inserted.size(); ++d)
        out.push_back(inserted[d] ? 1 : in[next++]);
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { copy_bytes(r.in(0), r.out(0)); });
}

}  // namespace

void register_unsqueeze(OpRegistry& registry) {
    registry.add(
        {.name = "Unsqueeze", .since_version = 1, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
