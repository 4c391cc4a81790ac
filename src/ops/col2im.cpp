// SPDX-License-Identifier: MIT
// Col2Im (ONNX opset 18): the inverse of im2col (PyTorch's fold), for any number of spatial axes.
// input [N, C * prod(block_shape), L] holds, for each of the L block positions (the sliding windows of a
// convolution over image_shape with `strides`, `pads` [begins..., ends...] and `dilations`), the C * block
// values; each value is added into the output image [N, C, image_shape...] where its window puts it (values
// that fall into the padding are dropped). Accumulation is in double for float types.
#include <type_traits>

#include "core/parallel.hpp"
#include "ops/support/elementwise_math.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

struct Geometry {
    Shape image, block, blocks;  // spatial image dims, block dims, number of windows per axis
    std::vector<int64_t> strides, dilations, pad_begin;
    int64_t batch = 0, channels = 0;
};

Geometry geometry(const NodeContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() == 3, "input must be 3-D [N, C * prod(block_shape), L], got ", shape_str(x));
    ctx.check(ctx.input_rank(1) == 1 && ctx.input_rank(2) == 1, "image_shape and block_shape must be 1-D");
    Geometry g;
    g.image = int_values(ctx.require_value(1));
    g.block = int_values(ctx.require_value(2));
    const std::size_t n = g.image.size();
    ctx.check(n >= 1 && g.block.size() == n, "image_shape (", n, " values) and block_shape (", g.block.size(),
              " values) must have the same, nonzero length");
    g.strides = ctx.attr_ints("strides", std::vector<int64_t>(n, 1));
    g.dilations = ctx.attr_ints("dilations", std::vector<int64_t>(n, 1));
    const auto pads = ctx.attr_ints("pads", std::vector<int64_t>(2 * n, 0));
    ctx.check(g.strides.size() == n && g.dilations.size() == n && pads.size() == 2 * n,
              "strides, dilations and pads must have ", n, ", ", n, " and ", 2 * n, " values");
    int64_t windows = 1, block_size = 1;
    for (std::size_t d = 0; d < n; ++d) {
        ctx.check(g.image[d] >= 0 && g.block[d] >= 1 && g.strides[d] >= 1 && g.dilations[d] >= 1 && pads[d] >= 0 &&
                      pads[d + n] >= 0,
                  "image_shape must be >= 0, block_shape, strides and dilations >= 1, pads >= 0 (axis ", d, ")");
        const int64_t span = g.dilations[d] * (g.block[d] - 1) + 1;
        const int64_t padded = g.image[d] + pads[d] + pads[d + n];
        ctx.check(padded >= span, "the block (", span, " with dilation) is larger than the padded image (", padded,
                  ") on spatial axis ", d);
        g.blocks.push_back((padded - span) / g.strides[d] + 1);
        windows = checked_numel(Shape{windows, g.blocks.back()});
        block_size = checked_numel(Shape{block_size, g.block[d]});
        g.pad_begin.push_back(pads[d]);
    }
    ctx.check(x[1] % block_size == 0, "input dim 1 (", x[1], ") is not a multiple of prod(block_shape) = ", block_size);
    ctx.check(x[2] == windows, "input dim 2 (", x[2], ") must be the number of blocks, ", windows);
    g.batch = x[0];
    g.channels = x[1] / block_size;
    return g;
}

Shape out_shape(const Geometry& g) {
    Shape out{g.batch, g.channels};
    out.insert(out.end(), g.image.begin(), g.image.end());
    checked_numel(out);
    return out;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 3, "expects 3 inputs (input, image_shape, block_shape)");
    check_dtype_in<NumericHalfTypes>(ctx, 0);
    ctx.set_output(0, ctx.input_dtype(0), out_shape(geometry(ctx)));
}

template <class T>
void fold(const Geometry& g, const T* x, T* y) {
    using Acc = std::conditional_t<is_float_v<T>, double, uint64_t>;  // integers wrap (modulo 2^64, then T)
    const std::size_t n = g.image.size();
    const int64_t block_size = product(g.block), windows = product(g.blocks), image_size = product(g.image);
    parallel_for(g.batch * g.channels, 1, [&](int64_t begin, int64_t end) {
        std::vector<Acc> acc(static_cast<std::size_t>(image_size));
        std::vector<int64_t> k(n), l(n);
        for (int64_t plane = begin; plane < end; ++plane) {
            std::fill(acc.begin(), acc.end(), Acc(0));
            const T* xp = x + plane * block_size * windows;
            for (int64_t kb = 0; kb < block_size; ++kb) {
                for (int64_t rest = kb, d = static_cast<int64_t>(n); d-- > 0;) {
                    k[d] = rest % g.block[d];
                    rest /= g.block[d];
                }
                for (int64_t lw = 0; lw < windows; ++lw) {
                    int64_t at = 0;
                    bool inside = true;
                    for (int64_t rest = lw, d = static_cast<int64_t>(n); d-- > 0;) {
                        l[d] = rest % g.blocks[d];
                        rest /= g.blocks[d];
                    }
                    for (std::size_t d = 0; d < n && inside; ++d) {
                        const int64_t i = l[d] * g.strides[d] - g.pad_begin[d] + k[d] * g.dilations[d];
                        inside = i >= 0 && i < g.image[d];
                        at = at * g.image[d] + i;
                    }
                    if (inside) acc[static_cast<std::size_t>(at)] += static_cast<Acc>(widen(xp[kb * windows + lw]));
                }
            }
            for (int64_t i = 0; i < image_size; ++i)
                y[plane * image_size + i] = narrow<T>(acc[static_cast<std::size_t>(i)]);
        }
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([g = geometry(init)](const KernelRun& r) {
        dispatch_list(NumericHalfTypes{}, r.in(0).dtype(),
                      [&]<class T>() { fold<T>(g, r.in(0).data<T>(), r.out(0).data<T>()); });
    });
}

}  // namespace

void register_col2im(OpRegistry& registry) {
    registry.add({.name = "Col2Im", .since_version = 18, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
