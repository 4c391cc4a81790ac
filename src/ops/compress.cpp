// SPDX-License-Identifier: MIT
// Compress (ONNX opsets 9, 11): keeps the slices along `axis` whose bool condition is true (the
// condition may be shorter than the axis: missing entries count as false). Without `axis` the input is
// flattened first. The output length depends on the condition's values.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

struct Layout {
    int64_t outer = 1, dim = 0, inner = 1;  // the input viewed as [outer, dim, inner]
};

Layout layout(const NodeContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    Layout l;
    if (!ctx.has_attr("axis")) {
        l.dim = product(in);
        return l;
    }
    const auto axis = static_cast<std::size_t>(normalize_axis(ctx.attr_int("axis", 0), ctx.input_rank(0)));
    l.outer = product(in, 0, axis);
    l.dim = in[axis];
    l.inner = product(in, axis + 1, in.size());
    return l;
}

std::vector<int64_t> kept(const NodeContext& ctx, const Tensor& cond, int64_t dim) {
    ctx.check(cond.dtype() == DType::kBool && cond.rank() == 1, "condition must be a 1-D bool tensor");
    ctx.check(cond.numel() <= dim, "condition is longer than the axis");
    std::vector<int64_t> out;
    for (int64_t i = 0; i < cond.numel(); ++i)
        if (cond.data<bool>()[i]) out.push_back(i);
    return out;
}

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    const Layout l = layout(ctx);
    const auto n = static_cast<int64_t>(kept(ctx, ctx.require_value(1), l.dim).size());
    Shape out;
    if (!ctx.has_attr("axis")) {
        out = {n};
    } else {
        out = ctx.input_shape(0);
        out[static_cast<std::size_t>(normalize_axis(ctx.attr_int("axis", 0), ctx.input_rank(0)))] = n;
    }
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Layout l = layout(init);
    return make_kernel([l](const KernelRun& r) {
        const auto esize = dtype_size(r.in(0).dtype());
        const auto block = static_cast<std::size_t>(l.inner) * esize;
        const bool* cond = r.in(1).data<bool>();
        const auto* src = static_cast<const std::byte*>(r.in(0).raw());
        auto* dst = static_cast<std::byte*>(r.out(0).raw());
        if (block == 0) return;
        for (int64_t o = 0; o < l.outer; ++o)
            for (int64_t i = 0; i < r.in(1).numel(); ++i)
                if (cond[i]) {
                    std::memcpy(dst, src + static_cast<std::size_t>(o * l.dim + i) * block, block);
                    dst += block;
                }
    });
}

}  // namespace

void register_compress(OpRegistry& registry) {
    registry.add({.name = "Compress", .since_version = 9, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
