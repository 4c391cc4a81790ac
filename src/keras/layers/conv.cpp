// SPDX-License-Identifier: MIT
// Convolutions: Conv1D/2D/3D (groups, dilation, padding valid/same/causal), DepthwiseConv1D/2D (any
// depth_multiplier), SeparableConv1D/2D, Conv1D/2D/3DTranspose (explicit pads + output_padding, never
// auto_pad). ONNX runs them channels-first; kernels (k..., in, out) become (out, in, k...).
#include <algorithm>

#include "keras/convert_context.hpp"
#include "keras/tensor_util.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;
using Attrs = std::vector<std::pair<std::string, Attribute>>;

struct ConvGeom {
    std::size_t n = 2;  // spatial dims
    bool cf = false;
    std::vector<int64_t> k, s, d;
    std::string padding;
    std::vector<int64_t> in_spatial;  // -1 unknown
};

ConvGeom geometry(ConvertContext& ctx, const KTensor& x, std::size_t n, const char* kernel_key = "kernel_size") {
    ConvGeom g;
    g.n = n;
    if (x.rank() != n + 2) ctx.invalid(cat("expects a rank-", n + 2, " input, got rank ", x.rank()));
    g.cf = ctx.channels_first();
    g.k = ctx.ints(kernel_key, n, 1);
    g.s = ctx.ints("strides", n, 1);
    g.d = ctx.ints("dilation_rate", n, 1);
    g.padding = to_lower(ctx.str("padding", "valid"));
    for (std::size_t i = 0; i < n; ++i)
        g.in_spatial.push_back(x.shape[g.cf ? i + 2 : i + 1]);
    for (std::size_t i = 0; i < n; ++i)
        if (g.k[i] <= 0 || g.s[i] <= 0 || g.d[i] <= 0) ctx.invalid("kernel, strides and dilation must be positive");
    if (g.padding != "valid" && g.padding != "same" && g.padding != "causal")
        ctx.unsupported("padding '" + g.padding + "'");
    return g;
}

/// Attributes shared by Conv / pooling: kernel_shape (optional), strides, dilations, pads or auto_pad.
Attrs conv_attrs(const ConvGeom& g, bool with_dilations = true) {
    Attrs a;
    a.push_back({"strides", Attribute::of_ints(g.s)});
    if (with_dilations) a.push_back({"dilations", Attribute::of_ints(g.d)});
    std::vector<int64_t> begin(g.n, 0), end(g.n, 0);
    bool known = true;
    for (std::size_t i = 0; i < g.n; ++i) {
        const int64_t keff = (g.k[i] - 1) * g.d[i] + 1;
        if (g.padding == "causal") {
            begin[i] = keff - 1;
        } else if (g.padding == "same") {
            if (g.in_spatial[i] < 0) {
                known = false;
                continue;
            }
            const int64_t out = (g.in_spatial[i] + g.s[i] - 1) / g.s[i];
            const int64_t total = std::max<int64_t>(0, (out - 1) * g.s[i] + keff - g.in_spatial[i]);
            begin[i] = total / 2;
            end[i] = total - begin[i];
        }
    }
    if (!known) {
        a.push_back({"auto_pad", Attribute::of_string("SAME_UPPER")});
    } else {
        std::vector<int64_t> pads = begin;
        pads.insert(pads.end(), end.begin(), end.end());
        a.push_back({"pads", Attribute::of_ints(pads)});
    }
    return a;
}

Shape conv_out_shape(const ConvGeom& g, const KTensor& x, int64_t channels) {
    Shape out = x.shape;
    for (std::size_t i = 0; i < g.n; ++i)
        out[g.cf ? i + 2 : i + 1] = conv_output_length(g.in_spatial[i], g.k[i], g.padding, g.s[i], g.d[i]);
    out[g.cf ? 1 : g.n + 1] = channels;
    return out;
}

/// (k..., in, out) -> (out, in, k...)
Tensor onnx_kernel(const Tensor& w) {
    const int n = static_cast<int>(w.rank()) - 2;
    std::vector<int> perm = {n + 1, n};
    for (int i = 0; i < n; ++i)
        perm.push_back(i);
    return permute(w, perm);
}

std::size_t spatial_rank(const std::string& cls) {
    if (cls.find("1D") != std::string::npos) return 1;
    if (cls.find("3D") != std::string::npos) return 3;
    return 2;
}

void conv(ConvertContext& ctx) {
    const std::size_t n = spatial_rank(ctx.layer().class_name);
    const KTensor& x = ctx.input();
    ConvGeom g = geometry(ctx, x, n);
    const bool use_bias = ctx.flag("use_bias", true);
    ctx.expect_weights({use_bias ? 2u : 1u});
    const Tensor& kernel = ctx.weight(0);
    if (kernel.rank() != n + 2) ctx.invalid(cat("kernel must be rank ", n + 2, ", got ", shape_str(kernel.shape())));
    for (std::size_t i = 0; i < n; ++i)
        if (kernel.dim(i) != g.k[i])
            ctx.invalid(cat("kernel ", shape_str(kernel.shape()), " does not match kernel_size ", shape_str(g.k)));
    const int64_t groups = ctx.i64("groups", 1);
    if (groups <= 0) ctx.invalid("groups must be positive");
    const int64_t in_ch = x.shape[g.cf ? 1 : n + 1];
    if (in_ch >= 0 && in_ch != kernel.dim(n) * groups)
        ctx.invalid(cat("input has ", in_ch, " channels, the kernel expects ", kernel.dim(n) * groups));
    if (g.padding == "causal" && n != 1) ctx.invalid("causal padding is for Conv1D only");
    const auto perm = ctx.physical_perm_for(x.rank(), g.cf);
    std::vector<std::string> ins = {ctx.as_perm(x, perm), ctx.add_initializer(onnx_kernel(kernel), "kernel")};
    if (use_bias) ins.push_back(ctx.add_initializer(ctx.weight(1), "bias"));
    Attrs a = conv_attrs(g);
    a.push_back({"kernel_shape", Attribute::of_ints(g.k)});
    if (groups != 1) a.push_back({"group", Attribute::of_int(groups)});
    KTensor y;
    y.value = ctx.emit1("Conv", ins, a);
    y.perm = perm;
    y.shape = conv_out_shape(g, x, kernel.dim(n + 1));
    ctx.set_output(ctx.layer_activation(y));
}

/// Depthwise kernel (k..., in, dm) -> ONNX (in*dm, 1, k...), channel c*dm+m.
Tensor depthwise_kernel(const Tensor& w) {
    const std::size_t n = w.rank() - 2;
    Shape s(w.shape().begin(), w.shape().begin() + static_cast<std::ptrdiff_t>(n));
    s.push_back(1);
    s.push_back(w.dim(n) * w.dim(n + 1));
    return onnx_kernel(w.reshaped(s));
}

void depthwise(ConvertContext& ctx) {
    const std::size_t n = spatial_rank(ctx.layer().class_name);
    const KTensor& x = ctx.input();
    ConvGeom g = geometry(ctx, x, n);
    const bool use_bias = ctx.flag("use_bias", true);
    ctx.expect_weights({use_bias ? 2u : 1u});
    const Tensor& kernel = ctx.weight(0);
    if (kernel.rank() != n + 2) ctx.invalid(cat("depthwise kernel must be rank ", n + 2));
    const int64_t in_ch = kernel.dim(n), dm = kernel.dim(n + 1);
    const auto perm = ctx.physical_perm_for(x.rank(), g.cf);
    std::vector<std::string> ins = {ctx.as_perm(x, perm), ctx.add_initializer(depthwise_kernel(kernel), "kernel")};
    if (use_bias) ins.push_back(ctx.add_initializer(ctx.weight(1), "bias"));
    Attrs a = conv_attrs(g);
    a.push_back({"kernel_shape", Attribute::of_ints(g.k)});
    a.push_back({"group", Attribute::of_int(in_ch)});
    KTensor y;
    y.value = ctx.emit1("Conv", ins, a);
    y.perm = perm;
    y.shape = conv_out_shape(g, x, in_ch * dm);
    ctx.set_output(ctx.layer_activation(y));
}

void separable(ConvertContext& ctx) {
    const std::size_t n = spatial_rank(ctx.layer().class_name);
    const KTensor& x = ctx.input();
    ConvGeom g = geometry(ctx, x, n);
    const bool use_bias = ctx.flag("use_bias", true);
    ctx.expect_weights({use_bias ? 3u : 2u});
    const Tensor& dk = ctx.weight(0);
    const Tensor& pk = ctx.weight(1);
    if (dk.rank() != n + 2 || pk.rank() != n + 2) ctx.invalid("bad separable kernels");
    const int64_t in_ch = dk.dim(n), dm = dk.dim(n + 1);
    const auto perm = ctx.physical_perm_for(x.rank(), g.cf);
    Attrs a = conv_attrs(g);
    a.push_back({"kernel_shape", Attribute::of_ints(g.k)});
    a.push_back({"group", Attribute::of_int(in_ch)});
    const std::string mid =
        ctx.emit1("Conv", {ctx.as_perm(x, perm), ctx.add_initializer(depthwise_kernel(dk), "depthwise_kernel")}, a);
    std::vector<std::string> ins = {mid, ctx.add_initializer(onnx_kernel(pk), "pointwise_kernel")};
    if (use_bias) ins.push_back(ctx.add_initializer(ctx.weight(2), "bias"));
    KTensor y;
    y.value = ctx.emit1("Conv", ins, {{"kernel_shape", Attribute::of_ints(std::vector<int64_t>(n, 1))}});
    y.perm = perm;
    (void)dm;
    y.shape = conv_out_shape(g, x, pk.dim(n + 1));
    ctx.set_output(ctx.layer_activation(y));
}

void conv_transpose(ConvertContext& ctx) {
    const std::size_t n = spatial_rank(ctx.layer().class_name);
    const KTensor& x = ctx.input();
    ConvGeom g = geometry(ctx, x, n);
    if (g.padding == "causal") ctx.invalid("causal padding is not valid for transposed convolutions");
    const bool use_bias = ctx.flag("use_bias", true);
    ctx.expect_weights({use_bias ? 2u : 1u});
    const Tensor& kernel = ctx.weight(0);  // (k..., out, in)
    if (kernel.rank() != n + 2) ctx.invalid(cat("kernel must be rank ", n + 2));
    const bool has_op = ctx.has("output_padding");
    const auto op = has_op ? ctx.ints("output_padding", n, 0) : std::vector<int64_t>(n, 0);
    std::vector<int64_t> begin(n), end(n), onnx_op(n);
    Shape out = x.shape;
    for (std::size_t i = 0; i < n; ++i) {
        const int64_t keff = (g.k[i] - 1) * g.d[i] + 1;
        // Keras's output length is (in - 1) * s + keff - D for a constant D (deconv_output_length).
        int64_t D = 0;
        if (!has_op)
            D = g.padding == "same" ? keff - g.s[i] : keff - std::max(keff, g.s[i]);
        else
            D = 2 * (g.padding == "same" ? keff / 2 : 0) - op[i];
        // TensorFlow pads like the forward convolution: SAME pads max(D, 0), half before; VALID none.
        const int64_t total = g.padding == "same" ? std::max<int64_t>(D, 0) : 0;
        begin[i] = total / 2;
        end[i] = total - begin[i];
        onnx_op[i] = total - D;
        if (onnx_op[i] < 0) ctx.unsupported("this output_padding");
        const int64_t in = g.in_spatial[i];
        out[g.cf ? i + 2 : i + 1] = in < 0 ? -1 : (in - 1) * g.s[i] + keff - D;
    }
    out[g.cf ? 1 : n + 1] = kernel.dim(n);
    const auto perm = ctx.physical_perm_for(x.rank(), g.cf);
    std::vector<std::string> ins = {ctx.as_perm(x, perm), ctx.add_initializer(onnx_kernel(kernel), "kernel")};
    if (use_bias) ins.push_back(ctx.add_initializer(ctx.weight(1), "bias"));
    std::vector<int64_t> pads = begin;
    pads.insert(pads.end(), end.begin(), end.end());
    Attrs a = {{"kernel_shape", Attribute::of_ints(g.k)},
               {"strides", Attribute::of_ints(g.s)},
               {"dilations", Attribute::of_ints(g.d)},
               {"pads", Attribute::of_ints(pads)}};
    if (std::any_of(onnx_op.begin(), onnx_op.end(), [](int64_t v) { return v != 0; }))
        a.push_back({"output_padding", Attribute::of_ints(onnx_op)});
    const int64_t groups = ctx.i64("groups", 1);
    if (groups != 1) a.push_back({"group", Attribute::of_int(groups)});
    KTensor y;
    y.value = ctx.emit1("ConvTranspose", ins, a);
    y.perm = perm;
    y.shape = out;
    ctx.set_output(ctx.layer_activation(y));
}

}  // namespace

void register_conv(LayerRegistry& r) {
    for (const char* c : {"Conv1D", "Conv2D", "Conv3D"})
        r.add(c, conv);
    for (const char* c : {"DepthwiseConv1D", "DepthwiseConv2D"})
        r.add(c, depthwise);
    for (const char* c : {"SeparableConv1D", "SeparableConv2D"})
        r.add(c, separable);
    for (const char* c : {"Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"})
        r.add(c, conv_transpose);
}

}  // namespace konnx::keras
