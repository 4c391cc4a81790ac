// SPDX-License-Identifier: MIT
#include "ops/support/tensor_resize.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "core/half.hpp"
#include "core/parallel.hpp"

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

// The taps of one axis: for each output position, `n` (index, weight) pairs, or extrapolate.
struct AxisTaps {
    int n = 0;
    std::vector<int64_t> index;
    std::vector<double> weight;
    std::vector<char> extrapolate;
    bool identity = false;
};

std::array<double, 4> cubic_coeffs(double r, double a) {
    const double s = 1 - r;
    return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a, ((a + 2) * r - (a + 3)) * r * r + 1,
            ((a + 2) * s - (a + 3)) * s * s + 1, ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
}

AxisTaps axis_taps(const ResizeSpec& spec, std::size_t axis, int64_t in, int64_t out) {
    using C = ResizeSpec::Coord;
    AxisTaps t;
    t.n = spec.mode == ResizeSpec::Mode::kCubic ? 4 : spec.mode == ResizeSpec::Mode::kLinear ? 2 : 1;
    const double scale = spec.scales[axis];
    const double out_width = scale * static_cast<double>(in);
    const std::size_t rank = spec.scales.size();
    t.identity = in == out && spec.coord != C::kTfCropAndResize;
    for (int64_t x = 0; x < out; ++x) {
        const auto xd = static_cast<double>(x);
        double xo = 0;
        bool extrapolate = false;
        switch (spec.coord) {
        case C::kHalfPixel: xo = (xd + 0.5) / scale - 0.5; break;
        case C::kPytorchHalfPixel: xo = out_width == 1 ? -0.5 : (xd + 0.5) / scale - 0.5; break;
        case C::kAlignCorners: xo = out_width == 1 ? 0 : xd * static_cast<double>(in - 1) / (out_width - 1); break;
        case C::kAsymmetric: xo = xd / scale; break;
        case C::kTfHalfPixelForNn: xo = (xd + 0.5) / scale; break;
        case C::kTfCropAndResize: {
            const double start = spec.roi[axis], end = spec.roi[axis + rank];
            xo = out_width == 1 ? (end - start) * static_cast<double>(in - 1) / 2
                                : xd * (end - start) * static_cast<double>(in - 1) / (out_width - 1);
            xo += start * static_cast<double>(in - 1);
            extrapolate = xo < 0 || xo > static_cast<double>(in - 1);
            break;
        }
        }
        // Taps start at `base`; ratio in (0, 1] (an integral coordinate takes ratio 1 from base = x - 1).
        double base = std::floor(xo);
        double ratio = xo - base;
        if (ratio == 0) {
            base -= 1;
            ratio = 1;
        }
        const auto b = static_cast<int64_t>(base);
        std::array<int64_t, 4> idx{};
        std::array<double, 4> w{};
        switch (spec.mode) {
        case ResizeSpec::Mode::kNearest: {
            bool up = false;
            switch (spec.nearest) {
            case ResizeSpec::Nearest::kRoundPreferFloor: up = ratio > 0.5; break;
            case ResizeSpec::Nearest::kRoundPreferCeil: up = ratio >= 0.5; break;
            case ResizeSpec::Nearest::kFloor: up = ratio == 1; break;
            case ResizeSpec::Nearest::kCeil: up = true; break;
            case ResizeSpec::Nearest::kSimple: up = scale < 1 ? true : ratio == 1; break;
            }
            idx[0] = up ? b + 1 : b;
            w[0] = 1;
            break;
        }
        case ResizeSpec::Mode::kLinear:
            idx = {b, b + 1};
            w = {1 - ratio, ratio};
            break;
        case ResizeSpec::Mode::kCubic:
            idx = {b - 1, b, b + 1, b + 2};
            w = cubic_coeffs(ratio, spec.cubic_a);
            if (spec.exclude_outside) {
                double sum = 0;
                for (int k = 0; k < 4; ++k) {
                    if (idx[static_cast<std::size_t>(k)] < 0 || idx[static_cast<std::size_t>(k)] >= in)
                        w[static_cast<std::size_t>(k)] = 0;
                    sum += w[static_cast<std::size_t>(k)];
                }
                for (auto& v : w)
                    v = sum != 0 ? v / sum : 0;
            }
            break;
        }
        for (int k = 0; k < t.n; ++k) {
            const int64_t i = std::clamp<int64_t>(idx[static_cast<std::size_t>(k)], 0, in - 1);
            t.index.push_back(i);
            t.weight.push_back(w[static_cast<std::size_t>(k)]);
            if (w[static_cast<std::size_t>(k)] != 0 && (i != x || w[static_cast<std::size_t>(k)] != 1))
                t.identity = false;
        }
        t.extrapolate.push_back(extrapolate ? 1 : 0);
        if (extrapolate) t.identity = false;
    }
    return t;
}

// One pass: src viewed as [outer, in, inner] -> dst [outer, out, inner].
void resample_axis(const double* src, double* dst, int64_t outer, int64_t in, int64_t out, int64_t inner,
                   const AxisTaps& t, double extrapolation) {
    parallel_for(outer * out, std::max<int64_t>(1, 4096 / std::max<int64_t>(inner, 1)), [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
            const int64_t o = row / out, x = row % out;
            double* d = dst + row * inner;
            if (t.extrapolate[static_cast<std::size_t>(x)]) {
                std::fill_n(d, inner, extrapolation);
                continue;
            }
            std::fill_n(d, inner, 0.0);
            for (int k = 0; k < t.n; ++k) {
                const auto at = static_cast<std::size_t>(x * t.n + k);
                const double w = t.weight[at];
                if (w == 0) continue;
                const double* s = src + (o * in + t.index[at]) * inner;
                for (int64_t i = 0; i < inner; ++i)
                    d[i] += w * s[i];
            }
        }
    });
}

}  // namespace

ResizeSpec resize_spec(const NodeContext& ctx, bool upsample) {
    using C = ResizeSpec::Coord;
    ResizeSpec spec;
    const Shape& in = ctx.input_shape(0);
    const std::size_t rank = in.size();
    const std::string mode = ctx.attr_string("mode", "nearest");
    if (mode == "nearest") spec.mode = ResizeSpec::Mode::kNearest;
    else if (mode == "linear" || (upsample && mode == "bilinear")) spec.mode = ResizeSpec::Mode::kLinear;
    else if (mode == "cubic" && !upsample) spec.mode = ResizeSpec::Mode::kCubic;
    else ctx.fail("unknown mode '", mode, "'");
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
            ctx.check(spec.scales[d] > 0, "scales must be positive");
            spec.out[d] = static_cast<int64_t>(std::floor(static_cast<double>(in[d]) * spec.scales[d]));
        }
        checked_numel(spec.out);
        return spec;
    }
    const std::string coord = ctx.attr_string("coordinate_transformation_mode", "half_pixel");
    if (coord == "half_pixel") spec.coord = C::kHalfPixel;
    else if (coord == "pytorch_half_pixel") spec.coord = C::kPytorchHalfPixel;
    else if (coord == "align_corners") spec.coord = C::kAlignCorners;
    else if (coord == "asymmetric") spec.coord = C::kAsymmetric;
    else if (coord == "tf_half_pixel_for_nn") spec.coord = C::kTfHalfPixelForNn;
    else if (coord == "tf_crop_and_resize") spec.coord = C::kTfCropAndResize;
    else ctx.fail("unknown coordinate_transformation_mode '", coord, "'");
    const std::string nearest = ctx.attr_string("nearest_mode", "round_prefer_floor");
    if (nearest == "round_prefer_floor") spec.nearest = ResizeSpec::Nearest::kRoundPreferFloor;
    else if (nearest == "round_prefer_ceil") spec.nearest = ResizeSpec::Nearest::kRoundPreferCeil;
    else if (nearest == "floor") spec.nearest = ResizeSpec::Nearest::kFloor;
    else if (nearest == "ceil") spec.nearest = ResizeSpec::Nearest::kCeil;
    else ctx.fail("unknown nearest_mode '", nearest, "'");
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
            ctx.check(scales[d] > 0, "scales must be positive");
            spec.out[d] = static_cast<int64_t>(std::floor(static_cast<double>(in[d]) * scales[d]));
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

void infer_resize_like(InferContext& ctx, bool upsample) {
    check_movable(ctx, ctx.input_dtype(0));
    const ResizeSpec spec = resize_spec(ctx, upsample);
    for (std::size_t d = 0; d < spec.out.size(); ++d)
        ctx.check(spec.out[d] == 0 || ctx.input_shape(0)[d] > 0, "cannot resize an empty axis");
    ctx.set_output(0, ctx.input_dtype(0), spec.out);
}

std::unique_ptr<Kernel> make_resize_like(const KernelInit& init, bool upsample) {
    const ResizeSpec spec = resize_spec(init, upsample);
    const Shape& in = init.input_shape(0);
    std::vector<AxisTaps> taps;
    for (std::size_t d = 0; d < in.size(); ++d)
        taps.push_back(axis_taps(spec, d, in[d], spec.out[d]));
    return make_kernel([taps, in, out = spec.out, extrapolation = spec.extrapolation](const KernelRun& r) {
        if (r.out(0).numel() == 0) return;
        // Current data as doubles, resampled axis by axis from the last.
        std::vector<double> cur(static_cast<std::size_t>(r.in(0).numel())), next;
        auto load = [&]<class T>(auto convert) {
            const T* p = r.in(0).data<T>();
            for (std::size_t i = 0; i < cur.size(); ++i)
                cur[i] = convert(p[i]);
        };
        const DType dtype = r.in(0).dtype();
        if (dtype == DType::kFloat16)
            load.template operator()<Float16>([](Float16 v) { return static_cast<double>(to_float(v)); });
        else
            dispatch_list(NumericTypes{}, dtype,
                          [&]<class T>() { load.template operator()<T>([](T v) { return static_cast<double>(v); }); });
        Shape shape = in;
        for (std::size_t d = shape.size(); d-- > 0;) {
            if (taps[d].identity) continue;
            const int64_t outer = product(shape, 0, d), inner = product(shape, d + 1, shape.size());
            next.assign(static_cast<std::size_t>(outer * out[d] * inner), 0.0);
            resample_axis(cur.data(), next.data(), outer, shape[d], out[d], inner, taps[d], extrapolation);
            shape[d] = out[d];
            cur.swap(next);
        }
        if (dtype == DType::kFloat16) {
            for (std::size_t i = 0; i < cur.size(); ++i)
                r.out(0).data<Float16>()[i] = to_float16(static_cast<float>(cur[i]));
            return;
        }
        dispatch_list(NumericTypes{}, dtype, [&]<class T>() {
            T* p = r.out(0).data<T>();
            for (std::size_t i = 0; i < cur.size(); ++i) {
                if constexpr (std::is_integral_v<T>)
                    p[i] = static_cast<T>(std::clamp<double>(std::nearbyint(cur[i]),
                                                             static_cast<double>(std::numeric_limits<T>::lowest()),
                                                             static_cast<double>(std::numeric_limits<T>::max())));
                else
                    p[i] = static_cast<T>(cur[i]);
            }
        });
    });
}

}  // namespace konnx::ops
