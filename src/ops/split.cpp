// SPDX-License-Identifier: MIT
// Split (ONNX opsets 2, 11, 13, 18): splits along `axis` into the outputs. Sizes come from the `split`
// attribute (before 13) or input 1 (13+); without them the axis is split evenly (opset 18's
// `num_outputs` allows a smaller last chunk). Each chunk is a memcpy per outer index.
#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

std::vector<int64_t> split_sizes(const NodeContext& ctx, std::size_t num_outputs, int64_t dim) {
    std::vector<int64_t> sizes;
    if (ctx.opset() >= 13 && ctx.has_input(1)) {
        sizes = int_values(ctx.require_value(1));
    } else if (ctx.has_attr("split")) {
        sizes = ctx.attr_ints("split");
    } else {
        const auto n = static_cast<int64_t>(num_outputs);
        ctx.check(n > 0, "has no outputs");
        if (ctx.has_attr("num_outputs")) {
            const int64_t chunk = (dim + n - 1) / n;
            for (int64_t i = 0; i < n; ++i)
                sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
        } else {
            ctx.check(dim % n == 0, "axis of size ", dim, " cannot be split evenly into ", n, " outputs");
            sizes.assign(num_outputs, dim / n);
        }
    }
    ctx.check(sizes.size() == num_outputs, "split has ", sizes.size(), " sizes for ", num_outputs, " outputs");
    int64_t sum = 0;
    for (int64_t s : sizes) {
        ctx.check(s >= 0, "negative split size ", s);
        sum += s;
    }
    ctx.check(sum == dim, "split sizes sum to ", sum, ", not the axis size ", dim);
    return sizes;
}

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    const Shape& in = ctx.input_shape(0);
    const auto axis = axis_index(ctx, ctx.attr_int("axis", 0), ctx.input_rank(0));
    const auto sizes = split_sizes(ctx, ctx.num_outputs(), in[axis]);
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        Shape out = in;
        out[axis] = sizes[i];
        ctx.set_output(i, ctx.input_dtype(0), std::move(out));
    }
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto axis = axis_index(init, init.attr_int("axis", 0), init.input_rank(0));
    const auto sizes = split_sizes(init, init.num_outputs(), init.input_shape(0)[axis]);
    return make_kernel([axis, sizes](const KernelRun& r) {
        const Tensor& in = r.in(0);
        const std::size_t esize = dtype_size(in.dtype());
        const int64_t outer = product(in.shape(), 0, axis);
        const auto in_row = static_cast<std::size_t>(product(in.shape(), axis, in.rank())) * esize;
        const auto inner = static_cast<std::size_t>(product(in.shape(), axis + 1, in.rank())) * esize;
        const auto* src = static_cast<const std::byte*>(in.raw());
        std::size_t offset = 0;
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            const auto chunk = static_cast<std::size_t>(sizes[i]) * inner;
            if (chunk && r.has_out(i)) {
                auto* dst = static_cast<std::byte*>(r.out(i).raw());
                parallel_for(outer, std::max<int64_t>(1, (1 << 16) / static_cast<int64_t>(chunk)),
                             [&](int64_t b, int64_t e) {
                                 for (int64_t o = b; o < e; ++o)
                                     std::memcpy(dst + static_cast<std::size_t>(o) * chunk,
                                                 src + static_cast<std::size_t>(o) * in_row + offset, chunk);
                             });
            }
            offset += chunk;
        }
    });
}

}  // namespace

void register_split(OpRegistry& registry) {
    registry.add({.name = "Split", .since_version = 2, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
