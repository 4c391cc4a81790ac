// SPDX-License-Identifier: MIT
// MaxUnpool (ONNX opsets 9, 11): scatters X into a zero tensor at the flat positions given by I
// (MaxPool's Indices). The output's spatial size is the optional output_shape input (full shape) or
// (in - 1) * stride + kernel - pad_begin - pad_end. Indices are flat positions in that default shape;
// with a different output_shape they keep their (n, c, spatial) coordinates (as ONNX's reference does).
// Indices outside the output are an error.
#include "core/dispatch.hpp"
#include "core/shape.hpp"
#include "ops/support/nn_window.hpp"

namespace konnx::ops {
namespace {

// The output shape without the output_shape input.
Shape default_shape(const NodeContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    const std::vector<int64_t> in = spatial_dims(ctx, x, "input X");
    ctx.check(ctx.input_shape(1) == x, "I must have X's shape ", shape_str(x), ", got ", shape_str(ctx.input_shape(1)));
    ctx.check(ctx.input_dtype(1) == DType::kInt64, "I must be int64");
    Shape out;
    {
        const std::vector<int64_t> kernel = pool_kernel_shape(ctx, in.size());
        const std::vector<int64_t> strides = ctx.attr_ints("strides", std::vector<int64_t>(in.size(), 1));
        const std::vector<int64_t> pads = ctx.attr_ints("pads", std::vector<int64_t>(2 * in.size(), 0));
        ctx.check(strides.size() == in.size() && pads.size() == 2 * in.size(), "strides/pads have the wrong length");
        out = {x[0], x[1]};
        for (std::size_t i = 0; i < in.size(); ++i) {
            ctx.check(strides[i] >= 1 && pads[i] >= 0 && pads[in.size() + i] >= 0, "invalid strides or pads");
            const int64_t d = (in[i] - 1) * strides[i] + kernel[i] - pads[i] - pads[in.size() + i];
            ctx.check(d >= 0, "computed output size ", d, " is negative");
            out.push_back(d);
        }
    }
    return out;
}

void infer(InferContext& ctx) {
    Shape out = default_shape(ctx);
    if (ctx.has_input(2)) {
        const Tensor& shape = ctx.require_value(2);
        ctx.check(
            shape.dtype() == DType::kInt64 && shape.rank() == 1 && shape.numel() == static_cast<int64_t>(out.size()),
            "output_shape must be an int64 vector of ", out.size(), " values");
        const Shape given = shape.to_vector<int64_t>();
        ctx.check(given[0] == out[0] && given[1] == out[1], "output_shape ", shape_str(given),
                  " must keep N and C of X");
        checked_numel(given);
        out = given;
    }
    ctx.set_output(0, ctx.input_dtype(0), out);
}

// Position of a flat index of shape `from` in shape `to` (same rank), or -1 when outside `to`.
int64_t remap(int64_t index, const Shape& from, const Shape& to) {
    int64_t out = 0, scale = 1;
    for (std::size_t d = from.size(); d-- > 0;) {
        const int64_t c = index % from[d];
        index /= from[d];
        if (c >= to[d]) return -1;
        out += c * scale;
        scale *= to[d];
    }
    return out;
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Shape from = default_shape(init);
    return make_kernel([from](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            const int64_t* index = r.in(1).data<int64_t>();
            T* y = r.out(0).data<T>();
            const int64_t n = r.out(0).numel();
            std::fill_n(y, n, T(0));
            const Shape& to = r.out(0).shape();
            const int64_t limit = product(from);
            for (int64_t i = 0; i < r.in(0).numel(); ++i) {
                const int64_t at = index[i] < 0 || index[i] >= limit ? -1
                                   : from == to                      ? index[i]
                                                                     : remap(index[i], from, to);
                if (at < 0)
                    fail(ErrorCode::kInvalidArgument, "MaxUnpool: index ", index[i], " is outside the output (", n,
                         " elements)");
                y[at] = x[i];
            }
        });
    });
}

}  // namespace

void register_max_unpool(OpRegistry& registry) {
    registry.add({.name = "MaxUnpool", .since_version = 9, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
