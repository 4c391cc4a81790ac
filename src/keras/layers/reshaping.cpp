// SPDX-License-Identifier: MIT
// ZeroPadding1D/2D/3D (Pad), Cropping1D/2D/3D (Slice), UpSampling1D/2D/3D (Resize: nearest repeats
// exactly; UpSampling2D bilinear uses half-pixel centres as tf.image.resize does in TF 2 / Keras 3, and
// align-corners-free "asymmetric" sampling for standalone Keras <= 2.3). All work in any layout.
#include <limits>

#include "keras/convert_context.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

std::size_t spatial_rank(const std::string& cls) {
    if (cls.find("1D") != std::string::npos) return 1;
    if (cls.find("3D") != std::string::npos) return 3;
    return 2;
}

/// Per spatial axis (begin, end) from int / n ints / n pairs / (1D) one pair.
std::vector<std::pair<int64_t, int64_t>> pairs(ConvertContext& ctx, const char* key, std::size_t n, int64_t def) {
    std::vector<std::pair<int64_t, int64_t>> out(n, {def, def});
    if (!ctx.has(key)) return out;
    const json& v = ctx.config()[key];
    auto bad = [&] { ctx.invalid(cat("cannot read '", key, "': ", v.dump().substr(0, 80))); };
    if (v.is_number()) {
        for (auto& p : out)
            p = {v.get<int64_t>(), v.get<int64_t>()};
    } else if (v.is_array() && n == 1 && v.size() == 2 && v[0].is_number()) {
        out[0] = {v[0].get<int64_t>(), v[1].get<int64_t>()};
    } else if (v.is_array() && v.size() == n) {
        for (std::size_t i = 0; i < n; ++i) {
            if (v[i].is_number())
                out[i] = {v[i].get<int64_t>(), v[i].get<int64_t>()};
            else if (v[i].is_array() && v[i].size() == 2)
                out[i] = {v[i][0].get<int64_t>(), v[i][1].get<int64_t>()};
            else
                bad();
        }
    } else if (v.is_array() && v.size() == 2 * n && n == 2) {  // Keras 1 (top, bottom, left, right)
        out = {{v[0].get<int64_t>(), v[1].get<int64_t>()}, {v[2].get<int64_t>(), v[3].get<int64_t>()}};
    } else {
        bad();
    }
    for (auto& p : out)
        if (p.first < 0 || p.second < 0) ctx.invalid("negative padding or cropping");
    return out;
}

std::size_t keras_spatial_axis(bool cf, std::size_t i) { return cf ? i + 2 : i + 1; }

void zero_padding(ConvertContext& ctx) {
    const std::size_t n = spatial_rank(ctx.layer().class_name);
    const KTensor& x = ctx.input();
    if (x.rank() != n + 2) ctx.invalid("bad input rank");
    const bool cf = ctx.channels_first();
    const auto p = pairs(ctx, "padding", n, 1);
    std::vector<int64_t> pads(2 * x.rank(), 0);
    KTensor y = x;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t ka = keras_spatial_axis(cf, i);
        const auto ph = static_cast<std::size_t>(x.physical_axis(static_cast<int>(ka)));
        pads[ph] = p[i].first;
        pads[ph + x.rank()] = p[i].second;
        if (y.shape[ka] >= 0) y.shape[ka] += p[i].first + p[i].second;
    }
    y.value = ctx.emit1("Pad", {x.value, ctx.const_i64(pads, "pads")}, {{"mode", Attribute::of_string("constant")}});
    ctx.set_output(y);
}

void cropping(ConvertContext& ctx) {
    const std::size_t n = spatial_rank(ctx.layer().class_name);
    const KTensor& x = ctx.input();
    if (x.rank() != n + 2) ctx.invalid("bad input rank");
    const bool cf = ctx.channels_first();
    const auto c = pairs(ctx, "cropping", n, 0);
    std::vector<int64_t> starts, ends, axes;
    KTensor y = x;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t ka = keras_spatial_axis(cf, i);
        axes.push_back(x.physical_axis(static_cast<int>(ka)));
        starts.push_back(c[i].first);
        ends.push_back(c[i].second > 0 ? -c[i].second : std::numeric_limits<int64_t>::max());
        if (y.shape[ka] >= 0) y.shape[ka] -= c[i].first + c[i].second;
        if (y.shape[ka] < 0 && x.shape[ka] >= 0) ctx.invalid("cropping larger than the input");
    }
    y.value = ctx.emit1(
        "Slice", {x.value, ctx.const_i64(starts, "starts"), ctx.const_i64(ends, "ends"), ctx.const_i64(axes, "axes")});
    ctx.set_output(y);
}

void upsampling(ConvertContext& ctx) {
    const std::size_t n = spatial_rank(ctx.layer().class_name);
    const KTensor& x = ctx.input();
    if (x.rank() != n + 2) ctx.invalid("bad input rank");
    const bool cf = n == 1 ? false : ctx.channels_first();
    const auto size = ctx.ints("size", n, 2);
    std::vector<float> scales(x.rank(), 1.0f);
    KTensor y = x;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t ka = keras_spatial_axis(cf, i);
        scales[static_cast<std::size_t>(x.physical_axis(static_cast<int>(ka)))] = static_cast<float>(size[i]);
        if (y.shape[ka] >= 0) y.shape[ka] *= size[i];
    }
    const std::string interp = ctx.str("interpolation", "nearest");
    std::vector<std::pair<std::string, Attribute>> a;
    if (interp == "nearest") {
        a = {{"mode", Attribute::of_string("nearest")},
             {"coordinate_transformation_mode", Attribute::of_string("asymmetric")},
             {"nearest_mode", Attribute::of_string("floor")}};
    } else if (interp == "bilinear") {
        const std::string& v = ctx.keras_version();
        const bool old = ctx.keras_major() == 2 && v.find("-tf") == std::string::npos && v.size() >= 3 && v[2] >= '0' &&
                         v[2] <= '3' && (v.size() == 3 || v[3] == '.');
        a = {{"mode", Attribute::of_string("linear")},
             {"coordinate_transformation_mode", Attribute::of_string(old ? "asymmetric" : "half_pixel")}};
    } else {
        ctx.unsupported("interpolation '" + interp + "'");
    }
    y.value =
        ctx.emit1("Resize", {x.value, "", ctx.const_f32(scales, {static_cast<int64_t>(scales.size())}, "scales")}, a);
    ctx.set_output(y);
}

}  // namespace

void register_reshaping(LayerRegistry& r) {
    for (const char* c : {"ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"})
        r.add(c, zero_padding);
    for (const char* c : {"Cropping1D", "Cropping2D", "Cropping3D"})
        r.add(c, cropping);
    for (const char* c : {"UpSampling1D", "UpSampling2D", "UpSampling3D"})
        r.add(c, upsampling);
}

}  // namespace konnx::keras
