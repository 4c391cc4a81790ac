// SPDX-License-Identifier: MIT
// Resize / Upsample parameters: attributes per opset, scales or sizes, the output shape.
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

// floor(extent * scale), checked: a scale of 1e30 or inf must be an error, not an undefined conversion.
int64_t scaled_extent(const NodeContext& ctx, int64_t extent, double scale) {
    ctx.check(scale > 0 && std::isfinite(scale), "scales must be positive and finite, got ", scale);
    const double out = std::floor(static_cast<double>(extent) * scale);
    ctx.check(out < 0x1p62, "scale ", scale, " makes an output extent of ", out);
    return static_cast<int64_t>(out);
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
    if (ctx.attr_int("antialias", 0) != 0) ctx.unsupported("antialias is not supported");
    if (ctx.has_attr("axes")) ctx.unsupported("the axes attribute is not supported");
    if (ctx.attr_string("keep_aspect_ratio_policy", "stretch") != "stretch")
        ctx.unsupported("keep_aspect_ratio_policy is not supported");
    if (spec.coord == C::kTfCropAndResize) {
        spec.roi = ctx.has_input(1) ? float_values(ctx.require_value(1)) : std::vector<double>{};
        ctx.check(spec.roi.size() == 2 * rank, "roi must have ", 2 * rank, " entries for tf_crop_and_resize");
    }
    std::vector<double> scales;
    if (ctx.has_input(2)) scales = float_values(ctx.require_value(2));
    spec.out = in;
    if (!scales.empty()) {
        ctx.check(scales.size() == rank, "scales has ", scales.size(), " entries for rank ", rank);
        ctx.check(!(ctx.has_input(3) && ctx.require_value(3).numel() > 0), "scales and sizes are both given");
        spec.scales = scales;
        for (std::size_t d = 0; d < rank; ++d) {
            spec.out[d] = scaled_extent(ctx, in[d], scales[d]);
        }
    } else {
        ctx.check(ctx.has_input(3), "needs scales or sizes");
        const auto sizes = int_values(ctx.require_value(3));
        ctx.check(sizes.size() == rank, "sizes has ", sizes.size(), " entries for rank ", rank);
        spec.scales.resize(rank);
        for (std::size_t d = 0; d < rank; ++d) {
            ctx.check(sizes[d] >= 0, "negative size");
            spec.out[d] = sizes[d];
            spec.scales[d] = in[d] ? static_cast<double>(sizes[d]) / static_cast<double>(in[d]) : 1.0;
        }
    }
    checked_numel(spec.out);
    return spec;
}

}  // namespace konnx::ops
