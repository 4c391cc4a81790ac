// SPDX-License-Identifier: MIT
// Core layers: Dense, Activation, the Dropout family (identity at inference), Flatten, Reshape, Permute,
// RepeatVector, Embedding, Masking, Rescaling, Normalization.
#include <algorithm>
#include <cmath>
#include <memory>

#include "keras/convert_context.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

void dense(ConvertContext& ctx) {
    const bool use_bias = ctx.flag("use_bias", true);
    ctx.expect_weights({use_bias ? 2u : 1u});
    const Tensor& kernel = ctx.weight(0);
    if (kernel.rank() != 2) ctx.invalid(cat("kernel must be 2-D, got ", shape_str(kernel.shape())));
    const KTensor& x = ctx.input();
    const int64_t units = kernel.dim(1);
    if (x.shape.back() >= 0 && x.shape.back() != kernel.dim(0))
        ctx.invalid(cat("input has ", x.shape.back(), " features, the kernel expects ", kernel.dim(0)));
    KTensor y = x;
    y.feature_order.clear();
    y.unflattened.reset();
    y.flatten_order.clear();
    std::string in = x.value;
    Tensor k = kernel;
    if (!x.feature_order.empty()) {
        // Physical feature j is Keras feature feature_order[j]: permute the kernel rows instead of the data.
        if (static_cast<int64_t>(x.feature_order.size()) != kernel.dim(0)) ctx.invalid("kernel rows do not match");
        k = Tensor::empty(DType::kFloat32, kernel.shape());
        const int64_t cols = kernel.dim(1);
        for (std::size_t j = 0; j < x.feature_order.size(); ++j)
            std::copy_n(kernel.data<float>() + x.feature_order[j] * cols, cols, k.data<float>() + j * cols);
    } else if (x.perm.back() != static_cast<int>(x.rank()) - 1) {
        in = ctx.as_keras(x);
        y.perm = identity_perm(x.rank());
    }
    const std::string w = ctx.add_initializer(k, "kernel");
    if (x.rank() == 2) {
        std::vector<std::string> ins = {in, w};
        if (use_bias) ins.push_back(ctx.add_initializer(ctx.weight(1), "bias"));
        y.value = ctx.emit1("Gemm", ins);
    } else {
        y.value = ctx.emit1("MatMul", {in, w});
        if (use_bias) y.value = ctx.emit1("Add", {y.value, ctx.add_initializer(ctx.weight(1), "bias")});
    }
    y.shape.back() = units;
    y.seq_lens = x.seq_lens;
    ctx.set_output(ctx.layer_activation(y));
}

void activation(ConvertContext& ctx) { ctx.set_output(ctx.layer_activation(ctx.input())); }

/// Dropout and noise layers: identity at inference, unless the call forces training mode (Monte Carlo dropout),
/// which keeps them random; an inference graph cannot reproduce that, so it is refused rather than dropped.
void identity(ConvertContext& ctx) {
    if (ctx.layer().class_name != "ActivityRegularization" && ctx.call_flag("training", false))
        ctx.unsupported("a call with training=True (random at inference, e.g. Monte Carlo dropout)");
    ctx.set_output(ctx.input());
}

void flatten(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    std::vector<int> order = identity_perm(x.rank());
    if (ctx.channels_first() && x.rank() >= 3)
        order = [&] {
            // Keras permutes channels-first inputs to channels-last before flattening.
            std::vector<int> p = {0};
            for (std::size_t i = 2; i < x.rank(); ++i)
                p.push_back(static_cast<int>(i));
            p.push_back(1);
            return p;
        }();
    KTensor y;
    int64_t n = 1;
    for (std::size_t i = 1; i < x.rank(); ++i)
        n = (n < 0 || x.shape[i] < 0) ? -1 : n * x.shape[i];
    y.shape = {x.shape[0], n};
    y.perm = {0, 1};
    if (x.perm != order && x.perm[0] == 0 && order[0] == 0 && n > 0 && x.feature_order.empty()) {
        // Lazy: flatten the physical layout and remember where each Keras feature went.
        const Shape phys = x.physical_shape();
        std::vector<int64_t> kstride(x.rank(), 0);  // stride of each Keras axis in Keras flatten order
        int64_t s = 1;
        for (std::size_t i = x.rank(); i-- > 1;) {
            kstride[static_cast<std::size_t>(order[i])] = s;
            s *= x.shape[static_cast<std::size_t>(order[i])];
        }
        y.feature_order.resize(static_cast<std::size_t>(n));
        std::vector<int64_t> idx(x.rank(), 0);
        for (int64_t j = 0; j < n; ++j) {
            int64_t k = 0;
            for (std::size_t a = 1; a < x.rank(); ++a)
                k += idx[a] * kstride[static_cast<std::size_t>(x.perm[a])];
            y.feature_order[static_cast<std::size_t>(j)] = k;
            for (std::size_t a = x.rank(); a-- > 1;) {
                if (++idx[a] < phys[a]) break;
                idx[a] = 0;
            }
        }
        y.unflattened = std::make_shared<KTensor>(x);
        y.flatten_order = order;
        y.value = ctx.emit1("Flatten", {x.value}, {{"axis", Attribute::of_int(1)}});
    } else {
        y.value = ctx.emit1("Flatten", {ctx.as_perm(x, order)}, {{"axis", Attribute::of_int(1)}});
    }
    ctx.set_output(y);
}

void reshape(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    if (!ctx.has("target_shape") || !ctx.config()["target_shape"].is_array()) ctx.invalid("no target_shape");
    std::vector<int64_t> target = {0};
    Shape out = {x.shape[0]};
    int64_t known = 1, unknown_at = -1;
    for (const auto& d : ctx.config()["target_shape"]) {
        const int64_t v = d.is_number_integer() ? d.get<int64_t>() : -1;
        if (v < 0)
            unknown_at = static_cast<int64_t>(out.size());
        else
            known *= v;
        target.push_back(v < 0 ? -1 : v);
        out.push_back(v);
    }
    if (unknown_at >= 0) {
        int64_t total = 1;
        for (std::size_t i = 1; i < x.rank(); ++i)
            total = (total < 0 || x.shape[i] < 0) ? -1 : total * x.shape[i];
        out[static_cast<std::size_t>(unknown_at)] = total < 0 || known == 0 ? -1 : total / known;
    }
    KTensor y;
    y.value = ctx.emit1("Reshape", {ctx.as_keras(x), ctx.const_i64(target, "shape")});
    y.shape = out;
    y.perm = identity_perm(out.size());
    ctx.set_output(y);
}

void permute_layer(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    auto dims = ctx.ints("dims", x.rank() - 1, 0);
    std::vector<int> p = {0};  // output Keras axis j is input Keras axis p[j]
    for (auto d : dims) {
        if (d < 1 || d >= static_cast<int64_t>(x.rank())) ctx.invalid("dims out of range");
        p.push_back(static_cast<int>(d));
    }
    std::vector<int> inv(p.size());
    for (std::size_t j = 0; j < p.size(); ++j)
        inv[static_cast<std::size_t>(p[j])] = static_cast<int>(j);
    KTensor y = x;
    for (std::size_t i = 0; i < x.rank(); ++i)
        y.perm[i] = inv[static_cast<std::size_t>(x.perm[i])];
    for (std::size_t j = 0; j < p.size(); ++j)
        y.shape[j] = x.shape[static_cast<std::size_t>(p[j])];
    ctx.set_output(y);  // no node: only the layout bookkeeping changes
}

void repeat_vector(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    if (x.rank() != 2) ctx.invalid("input must be 2-D");
    const int64_t n = ctx.i64("n", 1);
    if (n <= 0) ctx.invalid("n must be positive");
    KTensor y;
    const std::string u = ctx.emit1("Unsqueeze", {ctx.as_keras(x), ctx.const_i64({1}, "axes")});
    y.value = ctx.emit1("Tile", {u, ctx.const_i64({1, n, 1}, "repeats")});
    y.shape = {x.shape[0], n, x.shape[1]};
    y.perm = {0, 1, 2};
    ctx.set_output(y);
}

void embedding(ConvertContext& ctx) {
    ctx.expect_weights({1});
    const KTensor& x = ctx.input();
    std::string idx = ctx.as_keras(x);
    if (x.dtype != DType::kInt64) idx = ctx.cast(idx, DType::kInt64);
    KTensor y;
    y.value = ctx.emit1("Gather", {ctx.add_initializer(ctx.weight(0), "embeddings"), idx});
    y.shape = x.shape;
    y.shape.push_back(ctx.weight(0).dim(1));
    y.perm = identity_perm(y.rank());
    if (ctx.flag("mask_zero", false) && x.rank() == 2) {
        const std::string nz = ctx.emit1("Not", {ctx.emit1("Equal", {idx, ctx.const_i64({0}, "zero")})});
        const std::string as_int = ctx.cast(nz, DType::kInt32);
        y.seq_lens =
            ctx.emit1("ReduceSum", {as_int, ctx.const_i64({1}, "time_axis")}, {{"keepdims", Attribute::of_int(0)}});
        y.mask = ctx.cast(nz, DType::kFloat32);
    }
    ctx.set_output(y);
}

void masking(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    const float v = static_cast<float>(ctx.f64("mask_value", 0.0));
    const std::string keep = ctx.emit1("Not", {ctx.emit1("Equal", {x.value, ctx.scalar_f32(v, "mask_value")})});
    const std::string keep_f = ctx.cast(keep, DType::kFloat32);
    const int feat = x.physical_axis(-1);
    const std::string m =
        ctx.emit1("ReduceMax", {keep_f}, {{"axes", Attribute::of_ints({feat})}, {"keepdims", Attribute::of_int(1)}});
    KTensor y = x;
    y.value = ctx.emit1("Mul", {x.value, m});
    if (x.rank() == 3) {
        // Valid-step counts for recurrent layers: exact when the masked steps are trailing (padding).
        const std::string s = ctx.emit1("ReduceSum", {m, ctx.const_i64({x.physical_axis(1), feat}, "axes")},
                                        {{"keepdims", Attribute::of_int(0)}});
        y.seq_lens = ctx.cast(s, DType::kInt32);
        // The Keras mask [N, T]: m without its feature axis, in Keras order.
        y.mask = ctx.emit1("Squeeze", {m, ctx.const_i64({feat}, "feature_axis")});
        if (x.physical_axis(0) > x.physical_axis(1))
            y.mask = ctx.emit1("Transpose", {y.mask}, {{"perm", Attribute::of_ints({1, 0})}});
    }
    ctx.set_output(y);
}

/// A per-channel vector broadcast along Keras axis `axis` of `x` in its physical layout.
std::string channel_const(ConvertContext& ctx, const KTensor& x, int axis, std::vector<float> values,
                          const std::string& hint) {
    Shape shape(x.rank(), 1);
    if (values.size() > 1)
        shape[static_cast<std::size_t>(x.physical_axis(axis))] = static_cast<int64_t>(values.size());
    else
        shape.clear();
    return ctx.const_f32(values, shape, hint);
}

/// The numbers of a scalar or a (nested) list, flattened in order; empty when anything else is in it.
std::vector<float> floats_of(const json& j) {
    std::vector<float> out;
    if (j.is_number()) out.push_back(j.get<float>());
    if (j.is_array())
        for (const auto& e : j) {
            const auto inner = floats_of(e);
            if (inner.empty()) return {};
            out.insert(out.end(), inner.begin(), inner.end());
        }
    return out;
}

void rescaling(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    KTensor y = x;
    auto scale = floats_of(ctx.config().value("scale", json(1.0)));
    auto offset = floats_of(ctx.config().value("offset", json(0.0)));
    if (scale.empty() || offset.empty()) ctx.invalid("bad scale/offset");
    y.value = ctx.emit1("Mul", {x.value, channel_const(ctx, x, -1, scale, "scale")});
    y.value = ctx.emit1("Add", {y.value, channel_const(ctx, x, -1, offset, "offset")});
    ctx.set_output(y);
}

/// (x - mean) / max(sqrt(variance), 1e-7), or with invert=True x * max(sqrt(variance), 1e-7) + mean. Mean and
/// variance are the adapted weights, or constructor arguments kept in the config (then there are no weights).
void normalization(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    std::vector<float> m, var;
    if (ctx.has("mean") || ctx.has("variance")) {
        m = floats_of(ctx.config().value("mean", json()));
        var = floats_of(ctx.config().value("variance", json()));
        if (m.empty() || var.empty()) ctx.invalid("config 'mean' and 'variance' must both be numbers or lists");
    } else {
        ctx.expect_weights({2, 3});
        m = ctx.weight(0).to_vector<float>();
        var = ctx.weight(1).to_vector<float>();
    }
    if (m.size() != var.size() && m.size() != 1 && var.size() != 1)
        ctx.invalid(cat("mean has ", m.size(), " values but variance ", var.size()));
    int axis = -1;
    if (ctx.has("axis")) {
        const json& a = ctx.config()["axis"];
        if (a.is_number())
            axis = a.get<int>();
        else if (a.is_array() && a.size() == 1)
            axis = a[0].get<int>();
        else if (!(a.is_array() && a.empty()))
            ctx.unsupported("Normalization over several axes");
    }
    if (const int rank = static_cast<int>(x.rank()); axis < -rank || axis >= rank)
        ctx.invalid(cat("axis ", axis, " is out of range for a rank-", rank, " input"));
    std::vector<float> std_dev(var.size());
    for (std::size_t i = 0; i < var.size(); ++i)
        std_dev[i] = std::max(std::sqrt(var[i]), 1e-7f);
    KTensor y = x;
    if (ctx.flag("invert", false)) {
        y.value = ctx.emit1("Mul", {x.value, channel_const(ctx, x, axis, std_dev, "std")});
        y.value = ctx.emit1("Add", {y.value, channel_const(ctx, x, axis, m, "mean")});
    } else {
        for (auto& s : std_dev)
            s = 1.0f / s;
        y.value = ctx.emit1("Sub", {x.value, channel_const(ctx, x, axis, m, "mean")});
        y.value = ctx.emit1("Mul", {y.value, channel_const(ctx, x, axis, std_dev, "inv_std")});
    }
    ctx.set_output(y);
}

}  // namespace

void register_core(LayerRegistry& r) {
    r.add("Dense", dense);
    r.add("Activation", activation);
    for (const char* c : {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "AlphaDropout",
                          "GaussianNoise", "GaussianDropout", "ActivityRegularization"})
        r.add(c, identity);
    r.add("Flatten", flatten);
    r.add("Reshape", reshape);
    r.add("Permute", permute_layer);
    r.add("RepeatVector", repeat_vector);
    r.add("Embedding", embedding);
    r.add("Masking", masking);
    r.add("Rescaling", rescaling);
    r.add("Normalization", normalization);
}

}  // namespace konnx::keras
