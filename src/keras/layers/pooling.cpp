// SPDX-License-Identifier: MIT
// MaxPooling/AveragePooling 1D/2D/3D (strides default to pool_size; Keras excludes padding from
// averages: count_include_pad=0), GlobalMax/GlobalAveragePooling 1D/2D/3D (keepdims, any layout).
#include <algorithm>

#include "keras/convert_context.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

std::size_t spatial_rank(const std::string& cls) {
    if (cls.find("1D") != std::string::npos) return 1;
    if (cls.find("3D") != std::string::npos) return 3;
    return 2;
}

void pool(ConvertContext& ctx) {
    const std::string& cls = ctx.layer().class_name;
    const std::size_t n = spatial_rank(cls);
    const KTensor& x = ctx.input();
    if (x.rank() != n + 2) ctx.invalid(cat("expects a rank-", n + 2, " input"));
    const bool cf = ctx.channels_first();
    const auto k = ctx.ints("pool_size", n, 2);
    const auto s = ctx.has("strides") ? ctx.ints("strides", n, 1) : k;
    const std::string padding = to_lower(ctx.str("padding", "valid"));
    if (padding != "valid" && padding != "same") ctx.unsupported("padding '" + padding + "'");
    for (std::size_t i = 0; i < n; ++i)
        if (k[i] <= 0 || s[i] <= 0) ctx.invalid("pool_size and strides must be positive");
    std::vector<int64_t> begin(n, 0), end(n, 0);
    bool known = true;
    Shape out = x.shape;
    for (std::size_t i = 0; i < n; ++i) {
        const int64_t in = x.shape[cf ? i + 2 : i + 1];
        out[cf ? i + 2 : i + 1] = conv_output_length(in, k[i], padding, s[i], 1);
        if (padding != "same") continue;
        if (in < 0) {
            known = false;
            continue;
        }
        const int64_t o = (in + s[i] - 1) / s[i];
        const int64_t total = std::max<int64_t>(0, (o - 1) * s[i] + k[i] - in);
        begin[i] = total / 2;
        end[i] = total - begin[i];
    }
    std::vector<std::pair<std::string, Attribute>> a = {{"kernel_shape", Attribute::of_ints(k)},
                                                        {"strides", Attribute::of_ints(s)}};
    if (known) {
        std::vector<int64_t> pads = begin;
        pads.insert(pads.end(), end.begin(), end.end());
        a.push_back({"pads", Attribute::of_ints(pads)});
    } else {
        a.push_back({"auto_pad", Attribute::of_string("SAME_UPPER")});
    }
    const bool is_max = cls.find("Max") != std::string::npos;
    if (!is_max) a.push_back({"count_include_pad", Attribute::of_int(0)});
    const auto perm = ctx.physical_perm_for(x.rank(), cf);
    KTensor y;
    y.value = ctx.emit1(is_max ? "MaxPool" : "AveragePool", {ctx.as_perm(x, perm)}, a);
    y.perm = perm;
    y.shape = out;
    ctx.set_output(y);
}

/// GlobalAveragePooling1D of a masked sequence, as Keras computes it: sum(x * mask) / sum(mask) over the steps
/// (a sample with every step masked gives 0 / 0, as in Keras).
void masked_average_1d(ConvertContext& ctx, const KTensor& x, bool cf, bool keepdims) {
    const int64_t steps = cf ? 2 : 1;
    const std::string m = ctx.emit1("Unsqueeze", {x.mask, ctx.const_i64({cf ? 1 : 2}, "feature_axis")});
    const auto attrs = std::vector<std::pair<std::string, Attribute>>{{"keepdims", Attribute::of_int(keepdims)}};
    const std::string sum =
        ctx.emit1("ReduceSum", {ctx.emit1("Mul", {ctx.as_keras(x), m}), ctx.const_i64({steps}, "axes")}, attrs);
    const std::string kept = ctx.emit1("ReduceSum", {m, ctx.const_i64({steps}, "axes")}, attrs);
    KTensor y;
    y.value = ctx.emit1("Div", {sum, kept});
    y.shape = keepdims ? x.shape : Shape{x.shape[0], x.shape[static_cast<std::size_t>(cf ? 1 : 2)]};
    if (keepdims) y.shape[static_cast<std::size_t>(steps)] = 1;
    y.perm = identity_perm(y.shape.size());
    ctx.set_output(y);
}

void global_pool(ConvertContext& ctx) {
    const std::string& cls = ctx.layer().class_name;
    const std::size_t n = spatial_rank(cls);
    const KTensor& x = ctx.input();
    if (x.rank() != n + 2) ctx.invalid(cat("expects a rank-", n + 2, " input"));
    const bool cf = ctx.channels_first();
    const bool keepdims = ctx.flag("keepdims", false);
    std::vector<int64_t> axes;
    for (std::size_t i = 0; i < n; ++i)
        axes.push_back(x.physical_axis(static_cast<int>(cf ? i + 2 : i + 1)));
    std::sort(axes.begin(), axes.end());
    const bool is_max = cls.find("Max") != std::string::npos;
    if (n == 1 && !is_max && !x.mask.empty()) return masked_average_1d(ctx, x, cf, keepdims);
    KTensor y;
    y.value = ctx.emit1(is_max ? "ReduceMax" : "ReduceMean", {x.value},
                        {{"axes", Attribute::of_ints(axes)}, {"keepdims", Attribute::of_int(keepdims ? 1 : 0)}});
    const int ch = cf ? 1 : static_cast<int>(n) + 1;
    if (keepdims) {
        y.perm = x.perm;
        y.shape = x.shape;
        for (std::size_t i = 0; i < n; ++i)
            y.shape[cf ? i + 2 : i + 1] = 1;
    } else {
        // Remaining physical axes hold Keras axes 0 and ch, in their physical order.
        y.shape = {x.shape[0], x.shape[static_cast<std::size_t>(ch)]};
        y.perm = x.physical_axis(0) < x.physical_axis(ch) ? std::vector<int>{0, 1} : std::vector<int>{1, 0};
    }
    ctx.set_output(y);
}

}  // namespace

void register_pooling(LayerRegistry& r) {
    for (const char* c :
         {"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
          "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D"})
        r.add(c, pool);
    for (const char* c : {"GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D",
                          "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
                          "GlobalMaxPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D"})
        r.add(c, global_pool);
}

}  // namespace konnx::keras
