// SPDX-License-Identifier: MIT
// Attention (Luong dot-product, use_scale) and MultiHeadAttention (query/key/value/output EinsumDense
// projections, 1/sqrt(key_dim) scaling folded into the query weights, softmax over the key axis), for
// rank-3 (batch, time, features) inputs; causal masks (config `causal`, call `use_causal_mask`), an explicit
// MultiHeadAttention `attention_mask`, the Keras masks the inputs carry (from Masking / Embedding(mask_zero)),
// and `return_attention_scores`. Explicit mask= / query_mask= / value_mask= call tensors are refused.
// Attention dropout is inactive at inference.
#include <cmath>

#include "keras/convert_context.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

/// (query, value, key) of an attention call: positional [q, v, k] or kwargs value= / key=.
void attention_inputs(ConvertContext& ctx, KTensor& q, KTensor& v, KTensor& k) {
    q = ctx.input(0);
    auto kw_v = ctx.kwarg_tensors("value"), kw_k = ctx.kwarg_tensors("key");
    if (ctx.inputs().size() >= 2)
        v = ctx.input(1);
    else if (!kw_v.empty())
        v = kw_v[0];
    else
        ctx.invalid("needs a value tensor");
    if (ctx.inputs().size() >= 3)
        k = ctx.input(2);
    else if (!kw_k.empty())
        k = kw_k[0];
    else
        k = v;
    for (const char* m : {"mask", "query_mask", "value_mask", "key_mask"})
        if (!ctx.kwarg_tensors(m).empty()) ctx.unsupported(std::string("a '") + m + "' input");
    if (q.rank() != 3 || v.rank() != 3 || k.rank() != 3) ctx.unsupported("attention on inputs that are not rank 3");
}

bool causal(const ConvertContext& ctx) {
    // tf.keras <= 2.9: constructor argument `causal`; later: call argument `use_causal_mask`.
    return ctx.flag("causal", false) || ctx.flag("use_causal_mask", false) || ctx.call_flag("use_causal_mask", false);
}

/// Keras's masking as an additive score bias: masked scores get -1e9 (Keras subtracts 1e9 in Attention and adds
/// -1e9 in MultiHeadAttention's masked softmax, in float32), so even a fully masked row rounds as in Keras.
/// What may attend combines with a logical and: the causal mask (key j <= query i), `attention_mask` ([B, tq, tv],
/// any non-zero value attends), the Keras mask of the value ([B, tv]) and, for MultiHeadAttention, those of the
/// key ([B, tv]) and query ([B, tq]) too. Returns "" when nothing is masked; `batched` tells whether the bias
/// has a batch axis.
std::string score_bias(ConvertContext& ctx, const KTensor& q, const KTensor& v, const KTensor& k,
                       const std::string& attention_mask, bool multi_head, bool& batched) {
    std::string keep;
    batched = false;
    auto both = [&](const std::string& m) { keep = keep.empty() ? m : ctx.emit1("Mul", {keep, m}); };
    if (causal(ctx)) {
        const int64_t tq = q.shape[1], tv = v.shape[1];
        if (tq <= 0 || tv <= 0)
            ctx.unsupported("causal masking with an unknown sequence length (fix it with --input-shape)");
        std::vector<float> lower(static_cast<std::size_t>(tq * tv));
        for (int64_t i = 0; i < tq; ++i)
            for (int64_t j = 0; j < tv; ++j)
                lower[i * tv + j] = j <= i ? 1.0f : 0.0f;
        keep = ctx.const_f32(lower, {tq, tv}, "causal_mask");
    }
    if (!attention_mask.empty()) {
        both(ctx.cast(ctx.cast(attention_mask, DType::kBool), DType::kFloat32));
        batched = true;
    }
    for (const KTensor* keys : {&v, &k})
        if (!keys->mask.empty() && (keys == &v || (multi_head && k.mask != v.mask))) {
            both(ctx.emit1("Unsqueeze", {keys->mask, ctx.const_i64({1}, "axes")}));  // [B, 1, tv]
            batched = true;
        }
    if (multi_head && !q.mask.empty()) {
        both(ctx.emit1("Unsqueeze", {q.mask, ctx.const_i64({2}, "axes")}));  // [B, tq, 1]
        batched = true;
    }
    if (keep.empty()) return "";
    return ctx.emit1("Mul", {ctx.emit1("Sub", {ctx.scalar_f32(1, "one"), keep}), ctx.scalar_f32(-1e9f, "masked")});
}

/// Attention and AdditiveAttention zero the result of masked query steps (Keras multiplies by the query mask).
std::string mask_query_rows(ConvertContext& ctx, const KTensor& q, const std::string& result) {
    if (q.mask.empty()) return result;
    return ctx.emit1("Mul", {result, ctx.emit1("Unsqueeze", {q.mask, ctx.const_i64({2}, "axes")})});
}

/// The layer's outputs: the result, and the attention weights when the call asks for them.
void set_attention_outputs(ConvertContext& ctx, KTensor y, const std::string& weights, Shape weights_shape) {
    if (!ctx.call_flag("return_attention_scores", false)) return ctx.set_output(std::move(y));
    KTensor w;
    w.value = weights;
    w.perm = identity_perm(weights_shape.size());
    w.shape = std::move(weights_shape);
    ctx.set_outputs({std::move(y), std::move(w)});
}

void dot_attention(ConvertContext& ctx) {
    KTensor q, v, k;
    attention_inputs(ctx, q, v, k);
    if (ctx.str("score_mode", "dot") != "dot") ctx.unsupported("score_mode '" + ctx.str("score_mode", "") + "'");
    const std::string qv = ctx.as_keras(q), vv = ctx.as_keras(v);
    const std::string kt = ctx.as_perm(k, {0, 2, 1});
    std::string scores = ctx.emit1("MatMul", {qv, kt});
    if (ctx.flag("use_scale", false)) {
        ctx.expect_weights({1});
        scores = ctx.emit1("Mul", {scores, ctx.add_initializer(ctx.weight(0).reshaped({}), "scale")});
    }
    bool batched = false;
    if (const std::string bias = score_bias(ctx, q, v, k, "", false, batched); !bias.empty())
        scores = ctx.emit1("Add", {scores, bias});
    const std::string p = ctx.emit1("Softmax", {scores}, {{"axis", Attribute::of_int(-1)}});
    KTensor y;
    y.value = mask_query_rows(ctx, q, ctx.emit1("MatMul", {p, vv}));
    y.shape = {q.shape[0], q.shape[1], v.shape[2]};
    y.perm = {0, 1, 2};
    set_attention_outputs(ctx, std::move(y), p, {q.shape[0], q.shape[1], v.shape[1]});
}

void multi_head_attention(ConvertContext& ctx) {
    KTensor q, v, k;
    attention_inputs(ctx, q, v, k);
    if (ctx.has("attention_axes") &&
        !(ctx.config()["attention_axes"].is_array() && ctx.config()["attention_axes"].size() == 1 &&
          ctx.config()["attention_axes"][0].get<int>() == 1))
        ctx.unsupported("attention_axes other than the sequence axis");
    const int64_t heads = ctx.i64("num_heads", 0), key_dim = ctx.i64("key_dim", 0);
    const int64_t value_dim = ctx.has("value_dim") ? ctx.i64("value_dim", key_dim) : key_dim;
    if (heads <= 0 || key_dim <= 0 || value_dim <= 0) ctx.invalid("num_heads and key_dim must be positive");
    const bool use_bias = ctx.flag("use_bias", true);
    ctx.expect_weights({use_bias ? 8u : 4u});
    std::size_t w = 0;
    auto next = [&] { return ctx.weight(w++); };
    auto project = [&](const KTensor& x, int64_t dim, const char* name, float scale) {
        Tensor kernel = next().clone();  // (features, heads, dim)
        if (kernel.rank() != 3 || kernel.dim(1) != heads || kernel.dim(2) != dim)
            ctx.invalid(cat(name, " kernel ", shape_str(kernel.shape()), " does not match heads/key_dim"));
        for (auto& e : kernel.span<float>())
            e *= scale;
        std::string y =
            ctx.emit1("MatMul", {ctx.as_keras(x), ctx.add_initializer(kernel.reshaped({kernel.dim(0), heads * dim}),
                                                                      std::string(name) + "/kernel")});
        if (use_bias) {
            Tensor b = next().clone();
            for (auto& e : b.span<float>())
                e *= scale;
            y = ctx.emit1("Add", {y, ctx.add_initializer(b.reshaped({heads * dim}), std::string(name) + "/bias")});
        }
        y = ctx.emit1("Reshape", {y, ctx.const_i64({0, 0, heads, dim}, "heads_shape")});
        return y;  // [B, T, H, dim]
    };
    const float s = 1.0f / std::sqrt(static_cast<float>(key_dim));
    const std::string qh = project(q, key_dim, "query", s);
    const std::string kh = project(k, key_dim, "key", 1.0f);
    const std::string vh = project(v, value_dim, "value", 1.0f);
    const std::string qt = ctx.emit1("Transpose", {qh}, {{"perm", Attribute::of_ints({0, 2, 1, 3})}});
    const std::string kt = ctx.emit1("Transpose", {kh}, {{"perm", Attribute::of_ints({0, 2, 3, 1})}});
    const std::string vt = ctx.emit1("Transpose", {vh}, {{"perm", Attribute::of_ints({0, 2, 1, 3})}});
    std::string scores = ctx.emit1("MatMul", {qt, kt});  // [B, H, T, S]
    const auto mask = ctx.kwarg_tensors("attention_mask");
    if (mask.size() > 1 || (mask.size() == 1 && mask[0].rank() != 3))
        ctx.invalid("attention_mask must be one [batch, query steps, key steps] tensor");
    bool batched = false;
    if (const std::string bias = score_bias(ctx, q, v, k, mask.empty() ? "" : ctx.as_keras(mask[0]), true, batched);
        !bias.empty())
        scores =
            ctx.emit1("Add", {scores, batched ? ctx.emit1("Unsqueeze", {bias, ctx.const_i64({1}, "axes")}) : bias});
    const std::string p = ctx.emit1("Softmax", {scores}, {{"axis", Attribute::of_int(-1)}});
    std::string o =
        ctx.emit1("Transpose", {ctx.emit1("MatMul", {p, vt})}, {{"perm", Attribute::of_ints({0, 2, 1, 3})}});
    o = ctx.emit1("Reshape", {o, ctx.const_i64({0, 0, heads * value_dim}, "merge_shape")});
    const Tensor& ok = next();  // (heads, value_dim, out)
    if (ok.rank() != 3 || ok.dim(0) != heads || ok.dim(1) != value_dim) ctx.invalid("output kernel does not match");
    o = ctx.emit1("MatMul", {o, ctx.add_initializer(ok.reshaped({heads * value_dim, ok.dim(2)}), "output/kernel")});
    if (use_bias) o = ctx.emit1("Add", {o, ctx.add_initializer(next(), "output/bias")});
    KTensor y;
    y.value = o;
    y.shape = {q.shape[0], q.shape[1], ok.dim(2)};
    y.perm = {0, 1, 2};
    set_attention_outputs(ctx, std::move(y), p, {q.shape[0], heads, q.shape[1], k.shape[1]});
}

/// Bahdanau: scores[b,i,j] = sum_d scale[d] * tanh(q[b,i,d] + k[b,j,d]); softmax over j; times v.
void additive_attention(ConvertContext& ctx) {
    KTensor q, v, k;
    attention_inputs(ctx, q, v, k);
    const std::string qu = ctx.emit1("Unsqueeze", {ctx.as_keras(q), ctx.const_i64({2}, "axes")});
    const std::string ku = ctx.emit1("Unsqueeze", {ctx.as_keras(k), ctx.const_i64({1}, "axes")});
    std::string t = ctx.emit1("Tanh", {ctx.emit1("Add", {qu, ku})});
    if (ctx.flag("use_scale", true)) {
        ctx.expect_weights({1});
        t = ctx.emit1("Mul", {t, ctx.add_initializer(ctx.weight(0), "scale")});
    }
    std::string scores = ctx.emit1("ReduceSum", {t, ctx.const_i64({-1}, "axes")}, {{"keepdims", Attribute::of_int(0)}});
    bool batched = false;
    if (const std::string bias = score_bias(ctx, q, v, k, "", false, batched); !bias.empty())
        scores = ctx.emit1("Add", {scores, bias});
    const std::string p = ctx.emit1("Softmax", {scores}, {{"axis", Attribute::of_int(-1)}});
    KTensor y;
    y.value = mask_query_rows(ctx, q, ctx.emit1("MatMul", {p, ctx.as_keras(v)}));
    y.shape = {q.shape[0], q.shape[1], v.shape[2]};
    y.perm = {0, 1, 2};
    set_attention_outputs(ctx, std::move(y), p, {q.shape[0], q.shape[1], v.shape[1]});
}

/// EinsumDense: einsum(equation, x, kernel) + bias (stored already shaped to broadcast), then activation.
void einsum_dense(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    const std::string eq = ctx.str("equation", "");
    const auto arrow = eq.find("->");
    const auto comma = eq.find(',');
    if (eq.empty() || arrow == std::string::npos || comma == std::string::npos || comma > arrow)
        ctx.invalid("bad equation '" + eq + "'");
    const bool has_bias = ctx.has("bias_axes") && !ctx.str("bias_axes", "").empty();
    ctx.expect_weights({has_bias ? 2u : 1u});
    const std::string out_spec = eq.substr(arrow + 2);
    KTensor y;
    y.value = ctx.emit1("Einsum", {ctx.as_keras(x), ctx.add_initializer(ctx.weight(0), "kernel")},
                        {{"equation", Attribute::of_string(eq)}});
    if (has_bias) y.value = ctx.emit1("Add", {y.value, ctx.add_initializer(ctx.weight(1), "bias")});
    // Output shape: Keras's output_shape config covers the non-batch dims (None where unknown).
    y.shape = {x.shape[0]};
    if (ctx.has("output_shape") && ctx.config()["output_shape"].is_array()) {
        for (const auto& d : ctx.config()["output_shape"])
            y.shape.push_back(d.is_number_integer() ? d.get<int64_t>() : -1);
    } else if (ctx.has("output_shape") && ctx.config()["output_shape"].is_number()) {
        y.shape.push_back(ctx.config()["output_shape"].get<int64_t>());
    }
    const std::size_t out_rank = out_spec.find("...") != std::string::npos ? 0 : out_spec.size();
    if (out_rank && y.shape.size() != out_rank) y.shape.resize(out_rank, -1);
    y.perm = identity_perm(y.shape.size());
    ctx.set_output(ctx.layer_activation(y));
}

}  // namespace

void register_attention(LayerRegistry& r) {
    r.add("AdditiveAttention", additive_attention);
    r.add("EinsumDense", einsum_dense);
    r.add("Attention", dot_attention);
    r.add("MultiHeadAttention", multi_head_attention);
}

}  // namespace konnx::keras
