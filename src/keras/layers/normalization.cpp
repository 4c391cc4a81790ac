// SPDX-License-Identifier: MIT
// BatchNormalization (center/scale off, any axis, Keras epsilon kept: 1e-3 by default) and
// LayerNormalization (the opset-17 op, decomposed below 17).
#include <cmath>

#include "keras/convert_context.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

std::vector<int> axes_of(ConvertContext& ctx, const KTensor& x, int def) {
    std::vector<int> axes;
    const int r = static_cast<int>(x.rank());
    if (!ctx.has("axis")) {
        axes.push_back(def);
    } else if (ctx.config()["axis"].is_number()) {
        axes.push_back(ctx.config()["axis"].get<int>());
    } else if (ctx.config()["axis"].is_array()) {
        for (const auto& a : ctx.config()["axis"])
            axes.push_back(a.get<int>());
    }
    for (auto& a : axes) {
        if (a < 0) a += r;
        if (a < 0 || a >= r) ctx.invalid("axis out of range");
    }
    return axes;
}

std::vector<float> vec(const Tensor& t) { return t.to_vector<float>(); }

void batch_norm(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    if (ctx.call_flag("training", false))
        ctx.unsupported("a call with training=True (normalizes with each batch's own statistics)");
    const auto axes = axes_of(ctx, x, -1);
    if (axes.size() != 1) ctx.unsupported("BatchNormalization over several axes");
    const int axis = axes[0];
    const bool scale = ctx.flag("scale", true), center = ctx.flag("center", true);
    const std::size_t expected = 2u + (scale ? 1u : 0u) + (center ? 1u : 0u);
    ctx.expect_weights({expected});
    std::size_t w = 0;
    const int64_t c = ctx.weight(ctx.num_weights() - 1).numel();
    std::vector<float> gamma = scale ? vec(ctx.weight(w++)) : std::vector<float>(static_cast<std::size_t>(c), 1.0f);
    std::vector<float> beta = center ? vec(ctx.weight(w++)) : std::vector<float>(static_cast<std::size_t>(c), 0.0f);
    std::vector<float> mean = vec(ctx.weight(w++));
    std::vector<float> var = vec(ctx.weight(w++));
    if (gamma.size() != static_cast<std::size_t>(c) || beta.size() != gamma.size() || mean.size() != gamma.size())
        ctx.invalid("weights of different sizes");
    if (x.shape[static_cast<std::size_t>(axis)] >= 0 && x.shape[static_cast<std::size_t>(axis)] != c)
        ctx.invalid(
            cat("axis ", axis, " has ", x.shape[static_cast<std::size_t>(axis)], " channels, weights have ", c));
    const float eps = static_cast<float>(ctx.f64("epsilon", 1e-3));
    KTensor y = x;
    const Shape cs = {c};
    if (x.physical_axis(axis) == 1 && x.rank() >= 2) {
        y.value = ctx.emit1("BatchNormalization",
                            {x.value, ctx.const_f32(gamma, cs, "gamma"), ctx.const_f32(beta, cs, "beta"),
                             ctx.const_f32(mean, cs, "moving_mean"), ctx.const_f32(var, cs, "moving_variance")},
                            {{"epsilon", Attribute::of_float(eps)}});
    } else {
        // Folded into one multiply-add broadcast along the channel's physical axis.
        std::vector<float> mul(gamma.size()), add(gamma.size());
        for (std::size_t i = 0; i < gamma.size(); ++i) {
            mul[i] = gamma[i] / std::sqrt(var[i] + eps);
            add[i] = beta[i] - mean[i] * mul[i];
        }
        Shape bs(x.rank(), 1);
        bs[static_cast<std::size_t>(x.physical_axis(axis))] = c;
        y.value = ctx.emit1("Mul", {x.value, ctx.const_f32(mul, bs, "scale")});
        y.value = ctx.emit1("Add", {y.value, ctx.const_f32(add, bs, "offset")});
    }
    ctx.set_output(y);
}

/// (x - mean) / sqrt(var + eps) * gamma + beta, mean and (biased) variance over `axes`.
std::string normalize_decomposed(ConvertContext& ctx, const std::string& in, const std::vector<int64_t>& axes,
                                 float eps, const std::string& gamma, const std::string& beta) {
    const auto attrs = std::vector<std::pair<std::string, Attribute>>{{"axes", Attribute::of_ints(axes)},
                                                                      {"keepdims", Attribute::of_int(1)}};
    const std::string mean = ctx.emit1("ReduceMean", {in}, attrs);
    const std::string d = ctx.emit1("Sub", {in, mean});
    const std::string var = ctx.emit1("ReduceMean", {ctx.emit1("Mul", {d, d})}, attrs);
    const std::string den = ctx.emit1("Sqrt", {ctx.emit1("Add", {var, ctx.scalar_f32(eps, "epsilon")})});
    return ctx.emit1("Add", {ctx.emit1("Mul", {ctx.emit1("Div", {d, den}), gamma}), beta});
}

void layer_norm(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    auto axes = axes_of(ctx, x, -1);
    std::sort(axes.begin(), axes.end());
    const int r = static_cast<int>(x.rank());
    bool trailing_axes = true;  // e.g. [-2, -1]; else (axis 1 of [N, T, F]) decomposed with broadcast weights
    for (std::size_t i = 0; i < axes.size(); ++i)
        trailing_axes = trailing_axes && axes[i] == r - static_cast<int>(axes.size()) + static_cast<int>(i);
    if (ctx.flag("rms_scaling", false)) ctx.unsupported("rms_scaling");
    const bool scale = ctx.flag("scale", true), center = ctx.flag("center", true);
    ctx.expect_weights({(scale ? 1u : 0u) + (center ? 1u : 0u)});
    Shape ws;
    for (int a : axes)
        ws.push_back(x.shape[static_cast<std::size_t>(a)]);
    int64_t c = 1;
    for (auto d : ws)
        c = d < 0 ? -1 : c * d;
    std::size_t w = 0;
    if (c < 0) {
        if (ctx.num_weights() == 0) ctx.unsupported("LayerNormalization without weights on unknown dims");
        ws = ctx.weight(0).shape();
        c = ctx.weight(0).numel();
    }
    const auto n = static_cast<std::size_t>(c);
    std::vector<float> gamma = scale ? vec(ctx.weight(w++)) : std::vector<float>(n, 1.0f);
    std::vector<float> beta = center ? vec(ctx.weight(w++)) : std::vector<float>(n, 0.0f);
    if (gamma.size() != n || beta.size() != n) ctx.invalid("weights do not match the normalized axes");
    const float eps = static_cast<float>(ctx.f64("epsilon", 1e-3));
    KTensor y = x;
    if (!trailing_axes) {
        // Keras layout; gamma and beta broadcast as Keras reshapes them: the axes' sizes, 1 elsewhere.
        if (c < 0) ctx.unsupported("LayerNormalization over non-trailing axes of unknown size");
        const std::string in = ctx.as_keras(x);
        y.perm = identity_perm(x.rank());
        Shape bshape(x.rank(), 1);
        for (int a : axes)
            bshape[static_cast<std::size_t>(a)] = x.shape[static_cast<std::size_t>(a)];
        const std::vector<int64_t> red(axes.begin(), axes.end());
        y.value = normalize_decomposed(ctx, in, red, eps, ctx.const_f32(gamma, bshape, "gamma"),
                                       ctx.const_f32(beta, bshape, "beta"));
        return ctx.set_output(y);
    }
    // The normalized axes must be the trailing physical axes.
    bool trailing = true;
    for (std::size_t i = 0; i < axes.size(); ++i)
        trailing = trailing && x.perm[static_cast<std::size_t>(r) - axes.size() + i] == axes[i];
    const std::string in = trailing ? x.value : ctx.as_keras(x);
    if (!trailing) y.perm = identity_perm(x.rank());
    const int first = r - static_cast<int>(axes.size());
    const std::string g = ctx.const_f32(gamma, ws, "gamma"), b = ctx.const_f32(beta, ws, "beta");
    if (ctx.opset() >= 17) {
        y.value = ctx.emit1("LayerNormalization", {in, g, b},
                            {{"axis", Attribute::of_int(first)}, {"epsilon", Attribute::of_float(eps)}});
    } else {
        std::vector<int64_t> red;
        for (int a = first; a < r; ++a)
            red.push_back(a);
        y.value = normalize_decomposed(ctx, in, red, eps, g, b);
    }
    ctx.set_output(y);
}

void unit_norm(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    const auto axes = axes_of(ctx, x, -1);
    std::vector<int64_t> phys;
    for (int a : axes)
        phys.push_back(x.physical_axis(a));
    const std::string ss = ctx.emit1("ReduceSumSquare", {x.value},
                                     {{"axes", Attribute::of_ints(phys)}, {"keepdims", Attribute::of_int(1)}});
    const std::string n = ctx.emit1("Sqrt", {ctx.emit1("Max", {ss, ctx.scalar_f32(1e-12f, "eps")})});
    KTensor y = x;
    y.value = ctx.emit1("Div", {x.value, n});
    ctx.set_output(y);
}

/// GroupNormalization: channels split into `groups`, each normalized over its channels and all spatial axes.
void group_norm(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    const auto axes = axes_of(ctx, x, -1);
    if (axes.size() != 1) ctx.unsupported("GroupNormalization over several axes");
    const int axis = axes[0];
    const int64_t c = x.shape[static_cast<std::size_t>(axis)];
    const int64_t groups = ctx.i64("groups", 32);
    if (c <= 0 || groups <= 0 || c % groups != 0) ctx.invalid("channels must be known and divisible by groups");
    const bool scale = ctx.flag("scale", true), center = ctx.flag("center", true);
    ctx.expect_weights({(scale ? 1u : 0u) + (center ? 1u : 0u)});
    // Channel axis first after the batch: physical [N, C, rest...].
    std::vector<int> perm = {0, axis};
    for (int a = 1; a < static_cast<int>(x.rank()); ++a)
        if (a != axis) perm.push_back(a);
    const std::string v = ctx.as_perm(x, perm);
    const std::string grouped = ctx.emit1("Reshape", {v, ctx.const_i64({0, groups, -1}, "group_shape")});
    const auto red = std::vector<std::pair<std::string, Attribute>>{{"axes", Attribute::of_ints({2})},
                                                                    {"keepdims", Attribute::of_int(1)}};
    const std::string mean = ctx.emit1("ReduceMean", {grouped}, red);
    const std::string d = ctx.emit1("Sub", {grouped, mean});
    const std::string var = ctx.emit1("ReduceMean", {ctx.emit1("Mul", {d, d})}, red);
    const float eps = static_cast<float>(ctx.f64("epsilon", 1e-3));
    const std::string norm =
        ctx.emit1("Div", {d, ctx.emit1("Sqrt", {ctx.emit1("Add", {var, ctx.scalar_f32(eps, "epsilon")})})});
    std::string out = ctx.emit1("Reshape", {norm, ctx.emit1("Shape", {v})});
    Shape bs(x.rank(), 1);
    bs[1] = c;
    std::size_t w = 0;
    if (scale) out = ctx.emit1("Mul", {out, ctx.add_initializer(ctx.weight(w++).reshaped(bs), "gamma")});
    if (center) out = ctx.emit1("Add", {out, ctx.add_initializer(ctx.weight(w++).reshaped(bs), "beta")});
    KTensor y = x;
    y.value = out;
    y.perm = perm;
    ctx.set_output(y);
}

}  // namespace

void register_normalization(LayerRegistry& r) {
    r.add("BatchNormalization", batch_norm);
    r.add("LayerNormalization", layer_norm);
    r.add("UnitNormalization", unit_norm);
    r.add("GroupNormalization", group_norm);
}

}  // namespace konnx::keras
