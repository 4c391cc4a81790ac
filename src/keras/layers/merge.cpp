// SPDX-License-Identifier: MIT
// Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum (any common layout), Concatenate
// (Keras axis -> physical axis), Dot (axes, normalize; 2-D and 3-D inputs).
#include "keras/convert_context.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

/// All inputs in the first input's layout (elementwise ops accept any common layout).
std::vector<std::string> common(ConvertContext& ctx, KTensor& out) {
    if (ctx.inputs().size() < 2) ctx.invalid("needs at least 2 inputs");
    out = ctx.input(0);
    bool same_rank = true;
    for (const auto& t : ctx.inputs())
        same_rank = same_rank && t.rank() == out.rank();
    std::vector<std::string> vals;
    if (!same_rank) {
        // Broadcasting of different ranks follows numpy on the Keras order.
        std::size_t best = 0;
        for (std::size_t i = 0; i < ctx.inputs().size(); ++i)
            if (ctx.input(i).rank() > ctx.input(best).rank()) best = i;
        out = ctx.input(best);
        out.perm = identity_perm(out.rank());
        for (const auto& t : ctx.inputs())
            vals.push_back(ctx.as_keras(t));
        return vals;
    }
    for (const auto& t : ctx.inputs())
        vals.push_back(ctx.as_perm(t, out.perm));
    for (std::size_t a = 0; a < out.rank(); ++a)
        for (const auto& t : ctx.inputs())
            if (out.shape[a] == 1 || out.shape[a] < 0) out.shape[a] = t.shape[a];
    return vals;
}

void elementwise(ConvertContext& ctx) {
    const std::string& cls = ctx.layer().class_name;
    KTensor y;
    auto v = common(ctx, y);
    if (cls == "Subtract") {
        if (v.size() != 2) ctx.invalid("Subtract needs exactly 2 inputs");
        y.value = ctx.emit1("Sub", v);
    } else if (cls == "Add") {
        y.value = v.size() == 2 ? ctx.emit1("Add", v) : ctx.emit1("Sum", v);
    } else if (cls == "Multiply") {
        std::string acc = v[0];
        for (std::size_t i = 1; i < v.size(); ++i)
            acc = ctx.emit1("Mul", {acc, v[i]});
        y.value = acc;
    } else if (cls == "Average") {
        y.value = ctx.emit1("Mean", v);
    } else if (cls == "Maximum") {
        y.value = ctx.emit1("Max", v);
    } else {
        y.value = ctx.emit1("Min", v);
    }
    y.mask = ctx.merged_mask();
    ctx.set_output(y);
}

/// Keras's mask of a Concatenate output (compute_mask), for [N, T, F] inputs: an input without a mask keeps
/// every step; along the time axis the masks are concatenated; along the features Keras 3 keeps a step that any
/// input keeps, Keras 2 one that every input keeps. Other axes and ranks: no mask.
std::string concatenated_mask(ConvertContext& ctx, int axis, int rank) {
    const auto& ins = ctx.inputs();
    bool any = false, all = true;
    for (const auto& t : ins) {
        any = any || !t.mask.empty();
        all = all && !t.mask.empty();
    }
    if (!any || rank != 3) return "";
    if (axis == 2) {
        if (ctx.keras_major() < 3) return ctx.merged_mask();
        if (!all) return "";  // an unmasked input keeps every step
        std::string keep = ins[0].mask;
        for (std::size_t i = 1; i < ins.size(); ++i)
            keep = ctx.emit1("Max", {keep, ins[i].mask});
        return keep;
    }
    if (axis != 1) return "";
    std::vector<std::string> parts;
    for (const auto& t : ins) {
        if (!t.mask.empty()) {
            parts.push_back(t.mask);
            continue;
        }
        const std::string nt = ctx.emit1(
            "Gather", {ctx.emit1("Shape", {t.value}), ctx.const_i64({t.physical_axis(0), t.physical_axis(1)}, "n_t")});
        parts.push_back(ctx.emit1("ConstantOfShape", {nt},
                                  {{"value", Attribute::of_tensor(Tensor::from_vector<float>({1}, {1.0f}))}}));
    }
    return ctx.emit1("Concat", parts, {{"axis", Attribute::of_int(1)}});
}

void concatenate(ConvertContext& ctx) {
    KTensor y;
    auto v = common(ctx, y);
    int axis = static_cast<int>(ctx.i64("axis", -1));
    const int r = static_cast<int>(y.rank());
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) ctx.invalid("axis out of range");
    int64_t total = 0;
    for (const auto& t : ctx.inputs())
        total = (total < 0 || t.shape[static_cast<std::size_t>(axis)] < 0)
                    ? -1
                    : total + t.shape[static_cast<std::size_t>(axis)];
    y.value = ctx.emit1("Concat", v, {{"axis", Attribute::of_int(y.physical_axis(axis))}});
    y.shape[static_cast<std::size_t>(axis)] = total;
    y.mask = concatenated_mask(ctx, axis, r);
    ctx.set_output(y);
}

std::string l2_normalize(ConvertContext& ctx, const std::string& v, int64_t axis) {
    const std::string ss =
        ctx.emit1("ReduceSumSquare", {v}, {{"axes", Attribute::of_ints({axis})}, {"keepdims", Attribute::of_int(1)}});
    const std::string n = ctx.emit1("Sqrt", {ctx.emit1("Max", {ss, ctx.scalar_f32(1e-12f, "eps")})});
    return ctx.emit1("Div", {v, n});
}

void dot(ConvertContext& ctx) {
    if (ctx.inputs().size() != 2) ctx.invalid("Dot needs 2 inputs");
    const KTensor& a = ctx.input(0);
    const KTensor& b = ctx.input(1);
    if (a.rank() != b.rank() || (a.rank() != 2 && a.rank() != 3)) ctx.unsupported("Dot on these ranks");
    const int r = static_cast<int>(a.rank());
    std::vector<int64_t> axes = ctx.ints("axes", 2, -1);
    for (auto& ax : axes) {
        if (ax < 0) ax += r;
        if (ax < 1 || ax >= r) ctx.invalid("axes out of range");
    }
    KTensor y;
    if (r == 2) {
        std::string va = ctx.as_keras(a), vb = ctx.as_keras(b);
        if (ctx.flag("normalize", false)) va = l2_normalize(ctx, va, 1), vb = l2_normalize(ctx, vb, 1);
        y.value = ctx.emit1("ReduceSum", {ctx.emit1("Mul", {va, vb}), ctx.const_i64({1}, "axes")},
                            {{"keepdims", Attribute::of_int(1)}});
        y.shape = {a.shape[0], 1};
        y.perm = {0, 1};
    } else {
        const int ao = axes[0] == 1 ? 2 : 1, bo = axes[1] == 1 ? 2 : 1;
        std::string va = ctx.as_perm(a, {0, ao, static_cast<int>(axes[0])});
        std::string vb = ctx.as_perm(b, {0, static_cast<int>(axes[1]), bo});
        if (ctx.flag("normalize", false)) va = l2_normalize(ctx, va, 2), vb = l2_normalize(ctx, vb, 1);
        y.value = ctx.emit1("MatMul", {va, vb});
        y.shape = {a.shape[0], a.shape[static_cast<std::size_t>(ao)], b.shape[static_cast<std::size_t>(bo)]};
        y.perm = {0, 1, 2};
    }
    ctx.set_output(y);
}

}  // namespace

void register_merge(LayerRegistry& r) {
    for (const char* c : {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"})
        r.add(c, elementwise);
    r.add("Concatenate", concatenate);
    r.add("Dot", dot);
}

}  // namespace konnx::keras
