// SPDX-License-Identifier: MIT
#include "ops/support/conv_shape.hpp"

#include <algorithm>

namespace konnx::ops {
namespace {

// 2 x (W's multiply-adds per point) x the points of `points`; W = input 1.
OpCost conv_like_cost(const KernelInit& init, const Shape& points) {
    if (!init.has_input(1) || init.input_shape(1).size() < 3) return {};
    return {2 * element_count(init.input_shape(1), 1) * element_count(points), 0};
}

}  // namespace

OpCost conv_cost(const KernelInit& init) {
    if (init.num_outputs() == 0) return {};
    return conv_like_cost(init, init.output_shape(0));
}

OpCost conv_transpose_cost(const KernelInit& init) {
    if (!init.has_input(0)) return {};
    return conv_like_cost(init, init.input_shape(0));
}

std::vector<int64_t> checked_kernel(const NodeContext& ctx, const Shape& w) {
    const std::vector<int64_t> kernel(w.begin() + 2, w.end());
    for (int64_t k : kernel)
        ctx.check(k >= 1, "W has an empty kernel: ", shape_str(w));
    if (ctx.has_attr("kernel_shape"))
        ctx.check(ctx.attr_ints("kernel_shape") == kernel, "kernel_shape disagrees with W ", shape_str(w));
    return kernel;
}

void check_conv_bias(const NodeContext& ctx, int64_t out_channels) {
    if (!ctx.has_input(2)) return;
    ctx.check(ctx.input_shape(2) == Shape{out_channels}, "B must be [", out_channels, "], got ",
              shape_str(ctx.input_shape(2)));
    ctx.check(ctx.input_dtype(2) == ctx.input_dtype(0), "B and X have different types");
}

ConvShape conv_geometry(const NodeContext& ctx, std::size_t x_input, std::size_t w_input) {
    const Shape& x = ctx.input_shape(x_input);
    const Shape& w = ctx.input_shape(w_input);
    const std::vector<int64_t> in = spatial_dims(ctx, x, "input X");
    ctx.check(w.size() == x.size(), "W must have the rank of X (", x.size(), "), got ", shape_str(w));
    ConvShape s;
    s.batch = x[0];
    s.in_channels = x[1];
    s.out_channels = w[0];
    s.groups = ctx.attr_int("group", 1);
    ctx.check(s.groups >= 1 && s.groups <= std::max<int64_t>(s.in_channels, 1) && s.in_channels % s.groups == 0 &&
                  s.out_channels % s.groups == 0,
              "group ", s.groups, " must divide the input channels (", s.in_channels, ") and W's first dim (",
              s.out_channels, ")");
    ctx.check(w[1] == s.in_channels / s.groups, "W ", shape_str(w), " does not match ", s.in_channels,
              " input channels in ", s.groups, " groups");
    const std::vector<int64_t> kernel = checked_kernel(ctx, w);
    s.window = make_window(ctx, WindowKind::kConv, in, kernel);
    return s;
}

ConvShape conv_shape(const NodeContext& ctx) {
    ctx.check(ctx.input_dtype(1) == ctx.input_dtype(0), "W and X have different types");
    ConvShape s = conv_geometry(ctx, 0, 1);
    check_conv_bias(ctx, s.out_channels);
    return s;
}

kernels::onednn::ConvParams onednn_conv_params(const ConvShape& s, bool has_bias) {
    const Window& w = s.window;
    kernels::onednn::ConvParams p;
    p.batch = s.batch;
    p.in_channels = s.in_channels;
    p.out_channels = s.out_channels;
    p.groups = s.groups;
    p.in = w.model_dims(w.in);
    p.out = w.model_dims(w.out);
    p.kernel = w.model_dims(w.kernel);
    p.stride = w.model_dims(w.stride);
    p.dilation = w.model_dims(w.dilation);
    p.pad_begin = w.model_dims(w.pad_begin);
    p.pad_end = w.model_dims(w.pad_end);
    p.has_bias = has_bias;
    return p;
}

}  // namespace konnx::ops
