// SPDX-License-Identifier: MIT
// TimeDistributed(any inner layer): (N, T, ...) is folded to (N*T, ...), the inner layer converted on it,
// and the result unfolded. The fold keeps the inner layout (no Transposes) when N and T lead physically.
#include "keras/convert_context.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

std::string shape_tail(ConvertContext& ctx, const std::string& v, int64_t start) {
    const std::string s = ctx.emit1("Shape", {v});
    return ctx.emit1("Slice", {s, ctx.const_i64({start}, "starts"), ctx.const_i64({INT64_MAX}, "ends")});
}

void time_distributed(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    if (x.rank() < 3) ctx.invalid("TimeDistributed needs a rank >= 3 input");
    const json& inner_j = ctx.config()["layer"];
    Layer inner;
    inner.class_name = inner_j.value("class_name", "");
    inner.config = inner_j.value("config", json::object());
    inner.name = ctx.name();
    inner.weights = ctx.layer().weights;
    inner.weight_names = ctx.layer().weight_names;

    KTensor src = x;
    if (!(x.perm[0] == 0 && x.perm[1] == 1)) {
        src.value = ctx.as_keras(x);
        src.perm = identity_perm(x.rank());
    }
    // Fold: physical (N, T, rest...) -> (N*T, rest...).
    const Shape phys = src.physical_shape();
    bool rest_known = true;
    std::vector<int64_t> target = {-1};
    for (std::size_t i = 2; i < phys.size(); ++i) {
        rest_known = rest_known && phys[i] >= 0;
        target.push_back(phys[i]);
    }
    std::string shape_in;
    if (rest_known) {
        shape_in = ctx.const_i64(target, "fold_shape");
    } else {
        shape_in = ctx.emit1("Concat", {ctx.const_i64({-1}, "minus_one"), shape_tail(ctx, src.value, 2)},
                             {{"axis", Attribute::of_int(0)}});
    }
    KTensor folded;
    folded.value = ctx.emit1("Reshape", {src.value, shape_in});
    folded.shape = {x.shape[0] < 0 || x.shape[1] < 0 ? -1 : x.shape[0] * x.shape[1]};
    folded.perm = {0};
    for (std::size_t i = 2; i < x.rank(); ++i) {
        folded.shape.push_back(x.shape[i]);
        folded.perm.push_back(src.perm[i] - 1);
    }
    folded.dtype = x.dtype;
    auto outs = ctx.call_layer(inner, {folded});
    KTensor y = ctx.materialize(outs[0]);  // a lazy inner Flatten is made concrete before unfolding
    if (y.perm.empty() || y.perm[0] != 0) {
        y.value = ctx.as_keras(y);
        y.perm = identity_perm(y.rank());
    }
    // Unfold: (N*T, rest...) -> (N, T, rest...).
    const Shape yphys = y.physical_shape();
    std::string shape_out;
    bool known = x.shape[1] >= 0;
    std::vector<int64_t> t2 = {-1, x.shape[1]};
    for (std::size_t i = 1; i < yphys.size(); ++i) {
        known = known && yphys[i] >= 0;
        t2.push_back(yphys[i]);
    }
    if (known) {
        shape_out = ctx.const_i64(t2, "unfold_shape");
    } else {
        const std::string nt = ctx.emit1(
            "Slice", {ctx.emit1("Shape", {src.value}), ctx.const_i64({0}, "starts"), ctx.const_i64({2}, "ends")});
        shape_out = ctx.emit1("Concat", {nt, shape_tail(ctx, y.value, 1)}, {{"axis", Attribute::of_int(0)}});
    }
    KTensor out;
    out.value = ctx.emit1("Reshape", {y.value, shape_out});
    out.shape = {x.shape[0], x.shape[1]};
    out.perm = {0, 1};
    for (std::size_t i = 1; i < y.rank(); ++i) {
        out.shape.push_back(y.shape[i]);
        out.perm.push_back(y.perm[i] + 1);
    }
    out.dtype = y.dtype;
    ctx.set_output(out);
}

}  // namespace

void register_wrappers(LayerRegistry& r) { r.add("TimeDistributed", time_distributed); }

}  // namespace konnx::keras
