// SPDX-License-Identifier: MIT
// Resize / Upsample parameters: attributes per opset, scales or sizes, the output shape.
#include <algorithm>
#include <cmath>

#include "core/half.hpp"
#include "ops/support/tensor_resize.hpp"

namespace konnx::ops {
namespace {

std::vector<double> float_values(const Tensor& t) {
    std::vector<double> v(static_cast<std::size_t>(t.numel()));
    if (t.dtype() == DType::kFloat16) {
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = to_float(t.data<Float16>()[i]);
        return v;
    }
    dispatch_list(FloatTypes{}, t.dtype(), [&]<class T>() {
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = static_cast<double>(t.data<T>()[i]);
    });
    return v;
}

// floor(extent * scale + bias), checked: a scale of 1e30 or inf must be an error, not an undefined conversion.
int64_t scaled_extent(const NodeContext& ctx, int64_t extent, double scale, double bias = 0) {
    ctx.check(scale > 0 && std::isfinite(scale), "scales must be positive and finite, got ", scale);
    const double out = std::floor(static_cast<double>(extent) * scale + bias);
    ctx.check(out < 0x1p62, "scale ", scale, " makes an output extent of ", out);
    return static_cast<int64_t>(out);
}

// keep_aspect_ratio_policy (opset 18) with sizes: one scale for every resized axis, the smallest of theirs
// (not_larger) or the largest (not_smaller); sizes become round_half_up(scale * in).
void keep_aspect_ratio(const NodeContext& ctx, const std::vector<std::size_t>& axes, ResizeSpec& spec) {
    const std::string policy = ctx.attr_string("keep_aspect_ratio_policy", "stretch");
    if (policy == "stretch") return;
    ctx.check(policy == "not_larger" || policy == "not_smaller",
              "keep_aspect_ratio_policy must be stretch, not_larger or not_smaller, got '", policy, "'");
    double scale = spec.scales[axes[0]];
    for (std::size_t a : axes)
        scale = policy == "not_larger" ? std::min(scale, spec.scales[a]) : std::max(scale, spec.scales[a]);
    const Shape& in = ctx.input_shape(0);
    for (std::size_t a : axes) {
        spec.scales[a] = scale;
        spec.out[a] = scaled_extent(ctx, in[a], scale, 0.5);
    }
}

}  // namespace

ResizeSpec resize_spec(const NodeContext& ctx, bool upsample) {
    using C = ResizeSpec::Coord;
    ResizeSpec spec;
    const Shape& in = ctx.input_shape(0);
    const std::size_t rank = in.size();
    const std::string mode = ctx.attr_string("mode", "nearest");
    if (mode == "nearest")
        spec.mode = ResizeSpec::Mode::kNearest;
    else if (mode == "linear" || (upsample && mode == "bilinear"))
        spec.mode = ResizeSpec::Mode::kLinear;
    else if (mode == "cubic" && !upsample)
        spec.mode = ResizeSpec::Mode::kCubic;
    else
        ctx.fail("unknown mode '", mode, "'");
    const bool legacy = upsample || ctx.opset() < 11;
    if (legacy) {
        spec.coord = C::kAsymmetric;
        spec.nearest = ResizeSpec::Nearest::kSimple;
        if (upsample && ctx.opset() < 9) {
            const auto s = ctx.attr_floats("scales");
            spec.scales.assign(s.begin(), s.end());
        } else {
            spec.scales = float_values(ctx.require_value(1));
        }
        ctx.check(spec.scales.size() == rank, "scales has ", spec.scales.size(), " entries for rank ", rank);
        spec.out = in;
        for (std::size_t d = 0; d < rank; ++d) {
            spec.out[d] = scaled_extent(ctx, in[d], spec.scales[d]);
        }
        checked_numel(spec.out);
        return spec;
    }
    const std::string coord = ctx.attr_string("coordinate_transformation_mode", "half_pixel");
    if (coord == "half_pixel")
        spec.coord = C::kHalfPixel;
    else if (coord == "pytorch_half_pixel")
        spec.coord = C::kPytorchHalfPixel;
    else if (coord == "align_corners")
        spec.coord = C::kAlignCorners;
    else if (coord == "asymmetric")
        spec.coord = C::kAsymmetric;
    else if (coord == "tf_half_pixel_for_nn")
        spec.coord = C::kTfHalfPixelForNn;
    else if (coord == "tf_crop_and_resize")
        spec.coord = C::kTfCropAndResize;
    else if (coord == "half_pixel_symmetric" && ctx.opset() >= 19)
        spec.coord = C::kHalfPixelSymmetric;
    else
        ctx.fail("unknown coordinate_transformation_mode '", coord, "'");
    const std::string nearest = ctx.attr_string("nearest_mode", "round_prefer_floor");
    if (nearest == "round_prefer_floor")
        spec.nearest = ResizeSpec::Nearest::kRoundPreferFloor;
    else if (nearest == "round_prefer_ceil")
        spec.nearest = ResizeSpec::Nearest::kRoundPreferCeil;
    else if (nearest == "floor")
        spec.nearest = ResizeSpec::Nearest::kFloor;
    else if (nearest == "ceil")
        spec.nearest = ResizeSpec::Nearest::kCeil;
    else
        ctx.fail("unknown nearest_mode '", nearest, "'");
    spec.cubic_a = ctx.attr_float("cubic_coeff_a", -0.75f);
    spec.exclude_outside = ctx.attr_int("exclude_outside", 0) != 0;
    spec.extrapolation = ctx.attr_float("extrapolation_value", 0.0f);
    spec.antialias = ctx.attr_int("antialias", 0) != 0 && spec.mode != ResizeSpec::Mode::kNearest;
    // Opset 18's axes: scales, sizes and roi name only these axes; the others keep their size.
    std::vector<std::size_t> axes;
    for (int64_t a : ctx.attr_ints("axes")) {
        const std::size_t axis = axis_index(ctx, a, static_cast<int64_t>(rank));
        ctx.check(std::find(axes.begin(), axes.end(), axis) == axes.end(), "axis ", a, " is listed twice");
        axes.push_back(axis);
    }
    if (axes.empty())
        for (std::size_t d = 0; d < rank; ++d)
            axes.push_back(d);
    const std::size_t n = axes.size();
    if (spec.coord == C::kTfCropAndResize) {
        const auto roi = ctx.has_input(1) ? float_values(ctx.require_value(1)) : std::vector<double>{};
        ctx.check(roi.size() == 2 * n, "roi must have ", 2 * n, " entries for tf_crop_and_resize");
        spec.roi.assign(rank, 0.0);
        spec.roi.resize(2 * rank, 1.0);
        for (std::size_t k = 0; k < n; ++k) {
            spec.roi[axes[k]] = roi[k];
            spec.roi[axes[k] + rank] = roi[k + n];
        }
    }
    std::vector<double> scales;
    if (ctx.has_input(2)) scales = float_values(ctx.require_value(2));
    spec.out = in;
    spec.scales.assign(rank, 1.0);
    if (!scales.empty()) {
        ctx.check(scales.size() == n, "scales has ", scales.size(), " entries for ", n, " axes");
        ctx.check(!(ctx.has_input(3) && ctx.require_value(3).numel() > 0), "scales and sizes are both given");
        for (std::size_t k = 0; k < n; ++k) {
            spec.scales[axes[k]] = scales[k];
            spec.out[axes[k]] = scaled_extent(ctx, in[axes[k]], scales[k]);
        }
    } else {
        ctx.check(ctx.has_input(3), "needs scales or sizes");
        const auto sizes = int_values(ctx.require_value(3));
        ctx.check(sizes.size() == n, "sizes has ", sizes.size(), " entries for ", n, " axes");
        for (std::size_t k = 0; k < n; ++k) {
            ctx.check(sizes[k] >= 0, "negative size");
            spec.out[axes[k]] = sizes[k];
            spec.scales[axes[k]] = in[axes[k]] ? static_cast<double>(sizes[k]) / static_cast<double>(in[axes[k]]) : 1.0;
        }
        keep_aspect_ratio(ctx, axes, spec);
    }
    checked_numel(spec.out);
    return spec;
}

}  // namespace konnx::ops
