// SPDX-License-Identifier: MIT
// Preprocessing layers usable at inference: CenterCrop (input at least the target size), Resizing
// (nearest / bilinear as tf.image.resize in TF 2 / Keras 3: half-pixel centres; crop_to_aspect_ratio off),
// CategoryEncoding and Discretization.
#include <algorithm>
#include <cmath>

#include "keras/convert_context.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

void center_crop(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    if (x.rank() != 4) ctx.invalid("expects a rank-4 input");
    const bool cf = ctx.channels_first();
    const int64_t h = ctx.i64("height", 0), w = ctx.i64("width", 0);
    const std::size_t ha = cf ? 2 : 1, wa = cf ? 3 : 2;
    if (x.shape[ha] < 0 || x.shape[wa] < 0) ctx.unsupported("CenterCrop on unknown spatial sizes");
    if (x.shape[ha] < h || x.shape[wa] < w) ctx.unsupported("CenterCrop of a smaller input (Keras resizes then)");
    const int64_t top = (x.shape[ha] - h) / 2, left = (x.shape[wa] - w) / 2;
    KTensor y = x;
    y.value = ctx.emit1(
        "Slice",
        {x.value, ctx.const_i64({top, left}, "starts"), ctx.const_i64({top + h, left + w}, "ends"),
         ctx.const_i64({x.physical_axis(static_cast<int>(ha)), x.physical_axis(static_cast<int>(wa))}, "axes")});
    y.shape[ha] = h;
    y.shape[wa] = w;
    ctx.set_output(y);
}

void resizing(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    if (x.rank() != 4) ctx.invalid("expects a rank-4 input");
    if (ctx.flag("crop_to_aspect_ratio", false) || ctx.flag("pad_to_aspect_ratio", false))
        ctx.unsupported("crop_to_aspect_ratio / pad_to_aspect_ratio");
    const bool cf = ctx.channels_first();
    const int64_t h = ctx.i64("height", 0), w = ctx.i64("width", 0);
    const std::string interp = ctx.str("interpolation", "bilinear");
    std::vector<std::pair<std::string, Attribute>> a;
    if (interp == "nearest")
        a = {{"mode", Attribute::of_string("nearest")},
             {"coordinate_transformation_mode", Attribute::of_string("half_pixel")},
             {"nearest_mode", Attribute::of_string("round_prefer_ceil")}};
    else if (interp == "bilinear")
        a = {{"mode", Attribute::of_string("linear")},
             {"coordinate_transformation_mode", Attribute::of_string("half_pixel")}};
    else
        ctx.unsupported("interpolation '" + interp + "'");
    const auto perm = ctx.physical_perm_for(4, cf);
    const std::string v = ctx.as_perm(x, perm);
    const std::string nc =
        ctx.emit1("Slice", {ctx.emit1("Shape", {v}), ctx.const_i64({0}, "starts"), ctx.const_i64({2}, "ends")});
    const std::string sizes = ctx.emit1("Concat", {nc, ctx.const_i64({h, w}, "hw")}, {{"axis", Attribute::of_int(0)}});
    KTensor y = x;
    y.perm = perm;
    y.value = ctx.emit1("Resize", {v, "", "", sizes}, a);
    y.shape[cf ? 2 : 1] = h;
    y.shape[cf ? 3 : 2] = w;
    ctx.set_output(y);
}

/// CategoryEncoding of integer ids: one_hot (rank-1 ids, or rank 2 with last dim 1), multi_hot, count.
/// Keras's encoding of integer ids in [0, n) (CategoryEncoding, and Discretization's non-int modes): one_hot,
/// multi_hot (1 where a token occurs in the sample) or count, for rank 1-2 ids.
void encode_categories(ConvertContext& ctx, const KTensor& x, int64_t n, const std::string& mode) {
    if (mode != "one_hot" && mode != "multi_hot" && mode != "count") ctx.unsupported("output_mode '" + mode + "'");
    if (x.rank() > 2) ctx.unsupported("encoding categories of rank > 2 inputs");
    std::string ids = ctx.as_keras(x);
    if (x.dtype != DType::kInt64) ids = ctx.cast(ids, DType::kInt64);
    const std::string oh = ctx.emit1("OneHot", {ids, ctx.const_i64({n}, "depth"), ctx.const_f32({0, 1}, {2}, "values")},
                                     {{"axis", Attribute::of_int(-1)}});  // [..., n]
    KTensor y;
    y.perm = {0, 1};
    y.shape = {x.shape[0], n};
    if (x.rank() == 1) {
        y.value = oh;
    } else if (mode == "one_hot" && x.shape[1] == 1) {
        y.value = ctx.emit1("Squeeze", {oh, ctx.const_i64({1}, "axes")});
    } else if (mode == "one_hot") {  // [N, d] ids: one row per id, as Keras 3 ([N, d, n])
        y.value = oh;
        y.perm = {0, 1, 2};
        y.shape = {x.shape[0], x.shape[1], n};
    } else if (mode == "count") {
        y.value = ctx.emit1("ReduceSum", {oh, ctx.const_i64({1}, "axes")}, {{"keepdims", Attribute::of_int(0)}});
    } else {
        y.value = ctx.emit1("ReduceMax", {oh}, {{"axes", Attribute::of_ints({1})}, {"keepdims", Attribute::of_int(0)}});
    }
    ctx.set_output(y);
}

void category_encoding(ConvertContext& ctx) {
    const int64_t n = ctx.i64("num_tokens", 0);
    if (n <= 0) ctx.invalid("num_tokens must be positive");
    encode_categories(ctx, ctx.input(), n, ctx.str("output_mode", "multi_hot"));
}

/// Discretization: the bucket of x is the number of bin boundaries <= x (tf Bucketize / np.digitize), as int64
/// in x's layout (output_mode "int"), or encoded like CategoryEncoding over len(boundaries) + 1 buckets.
void discretization(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    if (!ctx.has("bin_boundaries"))
        ctx.invalid("has no bin_boundaries (a Discretization with num_bins must be adapted before saving)");
    std::vector<float> bounds;
    for (const auto& b : ctx.config()["bin_boundaries"]) {
        if (!b.is_number()) ctx.invalid("bin_boundaries must be numbers");
        bounds.push_back(b.get<float>());
    }
    if (!std::is_sorted(bounds.begin(), bounds.end())) ctx.invalid("bin_boundaries must be sorted");
    std::string v = x.value;
    if (x.dtype != DType::kFloat32) v = ctx.cast(v, DType::kFloat32);
    const auto last = static_cast<int64_t>(x.rank());
    KTensor ids = x;
    ids.dtype = DType::kInt64;
    ids.seq_lens.clear();
    // No boundaries: one bucket; comparing with +inf gives 0 everywhere (NaN included).
    const std::vector<float> compare_with = bounds.empty() ? std::vector<float>{INFINITY} : bounds;
    const std::string above = ctx.emit1(
        "GreaterOrEqual", {ctx.emit1("Unsqueeze", {v, ctx.const_i64({last}, "axes")}),
                           ctx.const_f32(compare_with, {static_cast<int64_t>(compare_with.size())}, "bin_boundaries")});
    ids.value = ctx.emit1("ReduceSum", {ctx.cast(above, DType::kInt64), ctx.const_i64({last}, "axes")},
                          {{"keepdims", Attribute::of_int(0)}});
    const std::string mode = ctx.str("output_mode", "int");
    if (mode == "int") return ctx.set_output(ids);
    encode_categories(ctx, ids, static_cast<int64_t>(bounds.size()) + 1, mode);
}

}  // namespace

void register_preprocessing(LayerRegistry& r) {
    r.add("CategoryEncoding", category_encoding);
    r.add("Discretization", discretization);
    r.add("CenterCrop", center_crop);
    r.add("Resizing", resizing);
}

}  // namespace konnx::keras
