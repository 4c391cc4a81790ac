// SPDX-License-Identifier: MIT
// Reshape (ONNX opsets 5, 13, 14): the data with a new shape from input 1.
// A 0 in the shape copies the input's dim at that position (unless allowzero=1, opset 14, where it
// means a zero-sized dim); at most one -1 is inferred from the element count. The kernel is a memcpy.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    const auto requested = int_values(ctx.require_value(1));
    ctx.check(ctx.input_rank(1) == 1, "shape input must be 1-D, got ", shape_str(ctx.input_shape(1)));
    const bool allowzero = ctx.attr_int("allowzero", 0) != 0;
    Shape out(requested.size());
    int64_t infer_at = -1, known = 1;
    for (std::size_t i = 0; i < requested.size(); ++i) {
        int64_t d = requested[i];
        if (d == 0 && !allowzero) {
            ctx.check(i < in.size(), "shape has 0 at position ", i, " beyond the input's rank ", in.size());
            d = in[i];
        }
        if (d == -1) {
            ctx.check(infer_at < 0, "shape has more than one -1");
            infer_at = static_cast<int64_t>(i);
            continue;
        }
        ctx.check(d >= 0, "invalid dim ", d, " in shape");
        out[i] = d;
        known = d == 0 ? 0 : known * d;
        ctx.check(known <= kMaxElements, "shape too large");
    }
    const int64_t total = checked_numel(in);
    if (infer_at >= 0) {
        ctx.check(known != 0, "cannot infer -1 next to a zero dim");
        ctx.check(total % known == 0, "cannot reshape ", shape_str(in), " to ", shape_str(requested));
        out[static_cast<std::size_t>(infer_at)] = total / known;
    }
    ctx.check(checked_numel(out) == total, "cannot reshape ", shape_str(in), " to ", shape_str(requested));
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { copy_bytes(r.in(0), r.out(0)); });
}

}  // namespace

void register_reshape(OpRegistry& registry) {
    registry.add({.name = "Reshape", .since_version = 5, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
