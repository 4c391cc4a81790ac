// SPDX-License-Identifier: MIT
// Concat (ONNX opsets 4, 11, 13): joins inputs along `axis` (negative allowed from opset 11).
// Each input contributes one contiguous chunk per outer index, copied with memcpy.
#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() >= 1, "needs at least one input");
    const DType dtype = ctx.input_dtype(0);
    check_movable(ctx, dtype);
    Shape out = ctx.input_shape(0);
    const auto axis = static_cast<int64_t>(axis_index(ctx, ctx.attr_int("axis"), static_cast<int64_t>(out.size())));
    for (std::size_t i = 1; i < ctx.num_inputs(); ++i) {
        const Shape& s = ctx.input_shape(i);
        ctx.check(ctx.input_dtype(i) == dtype, "inputs have different types");
        ctx.check(s.size() == out.size(), "inputs have different ranks: ", shape_str(out), " and ", shape_str(s));
        for (std::size_t d = 0; d < s.size(); ++d)
            if (static_cast<int64_t>(d) != axis)
                ctx.check(s[d] == out[d], "input shapes ", shape_str(ctx.input_shape(0)), " and ", shape_str(s),
                          " differ off the axis");
        out[static_cast<std::size_t>(axis)] += s[static_cast<std::size_t>(axis)];
    }
    checked_numel(out);
    ctx.set_output(0, dtype, std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Shape& out = init.output_shape(0);
    const auto axis = axis_index(init, init.attr_int("axis"), static_cast<int64_t>(out.size()));
    return make_kernel([axis](const KernelRun& r) {
        const Shape& out_shape = r.out(0).shape();
        const std::size_t esize = dtype_size(r.out(0).dtype());
        const int64_t outer = product(out_shape, 0, axis);
        const auto out_row = static_cast<std::size_t>(product(out_shape, axis, out_shape.size())) * esize;
        auto* dst = static_cast<std::byte*>(r.out(0).raw());
        std::size_t offset = 0;
        for (std::size_t i = 0; i < r.num_inputs(); ++i) {
            const Tensor& in = r.in(i);
            const auto chunk = static_cast<std::size_t>(product(in.shape(), axis, in.rank())) * esize;
            const auto* src = static_cast<const std::byte*>(in.raw());
            if (chunk) {
                parallel_for(outer, std::max<int64_t>(1, (1 << 16) / static_cast<int64_t>(chunk)),
                             [&](int64_t b, int64_t e) {
                                 for (int64_t o = b; o < e; ++o)
                                     std::memcpy(dst + static_cast<std::size_t>(o) * out_row + offset,
                                                 src + static_cast<std::size_t>(o) * chunk, chunk);
                             });
            }
            offset += chunk;
        }
    });
}

}  // namespace

void register_concat(OpRegistry& registry) {
    registry.add({.name = "Concat", .since_version = 4, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
