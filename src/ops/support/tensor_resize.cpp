// SPDX-License-Identifier: MIT
#include "ops/support/tensor_resize.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "core/half.hpp"
#include "core/parallel.hpp"

namespace konnx::ops {
namespace {

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

// Antialiased downsampling (opset 18, as ONNX's reference): the linear (triangle) or cubic kernel stretched by
// 1 / scale, sampled at the taps `first`, first + 1, ... relative to the tap left of the coordinate, normalized.
double cubic_kernel(double x, double a) {
    x = std::fabs(x);
    if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    return 0;
}

// The first tap offset of the antialiased kernel (taps run first .. 1 - first); support 1 (linear) or 2 (cubic).
int antialias_first_tap(double scale, double support) {
    return static_cast<int>(std::floor(-support / std::min(scale, 1.0)) + 1);
}

std::vector<double> antialias_weights(const ResizeSpec& spec, double ratio, double scale, int first) {
    const double s = std::min(scale, 1.0);
    std::vector<double> w;
    double sum = 0;
    for (int i = first; i <= 1 - first; ++i) {
        const double x = s * (i - ratio);
        w.push_back(spec.mode == ResizeSpec::Mode::kCubic ? cubic_kernel(x, spec.cubic_a)
                                                          : std::clamp(1 - std::fabs(x), 0.0, 1.0));
        sum += w.back();
    }
    for (double& v : w)
        v = sum != 0 ? v / sum : 0;
    return w;
}

// exclude_outside: taps outside the input get weight 0, the rest are renormalized.
void exclude_outside(const std::vector<int64_t>& idx, std::vector<double>& w, int64_t in) {
    double sum = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
        if (idx[k] < 0 || idx[k] >= in) w[k] = 0;
        sum += w[k];
    }
    for (auto& v : w)
        v = sum != 0 ? v / sum : 0;
}

AxisTaps axis_taps(const ResizeSpec& spec, std::size_t axis, int64_t in, int64_t out) {
    using C = ResizeSpec::Coord;
    AxisTaps t;
    const double scale = spec.scales[axis];
    const double support = spec.mode == ResizeSpec::Mode::kCubic ? 2 : 1;
    const int first = spec.antialias ? antialias_first_tap(scale, support) : 0;
    t.n = spec.antialias ? 2 - 2 * first
                         : (spec.mode == ResizeSpec::Mode::kCubic    ? 4
                            : spec.mode == ResizeSpec::Mode::kLinear ? 2
                                                                     : 1);
    const double out_width = scale * static_cast<double>(in);
    const std::size_t rank = spec.scales.size();
    t.identity = in == out && spec.coord != C::kTfCropAndResize;
    for (int64_t x = 0; x < out; ++x) {
        const auto xd = static_cast<double>(x);
        double xo = 0;
        bool extrapolate = false;
        switch (spec.coord) {
            case C::kHalfPixel: xo = (xd + 0.5) / scale - 0.5; break;
            case C::kHalfPixelSymmetric: {
                // The center of the implied region maps to the output's center (differs from half_pixel only
                // when out != scale * in).
                const double adjustment = static_cast<double>(out) / out_width;
                xo = static_cast<double>(in) / 2 * (1 - adjustment) + (xd + 0.5) / scale - 0.5;
                break;
            }
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
        std::vector<int64_t> idx(static_cast<std::size_t>(t.n));
        std::vector<double> w(static_cast<std::size_t>(t.n));
        if (spec.antialias) {
            w = antialias_weights(spec, ratio, scale, first);
            for (int k = 0; k < t.n; ++k)
                idx[static_cast<std::size_t>(k)] = b + first + k;
            if (spec.exclude_outside) exclude_outside(idx, w, in);
        } else
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
                case ResizeSpec::Mode::kCubic: {
                    idx = {b - 1, b, b + 1, b + 2};
                    const auto c = cubic_coeffs(ratio, spec.cubic_a);
                    w.assign(c.begin(), c.end());
                    if (spec.exclude_outside) exclude_outside(idx, w, in);
                    break;
                }
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

void infer_resize_like(InferContext& ctx, bool upsample) {
    check_movable(ctx, ctx.input_dtype(0));
    ctx.check(ctx.input_rank(0) >= 1, "input must have rank >= 1");
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
    const bool gather =
        spec.mode == ResizeSpec::Mode::kNearest && std::none_of(taps.begin(), taps.end(), [](const AxisTaps& t) {
            return std::any_of(t.extrapolate.begin(), t.extrapolate.end(), [](char c) { return c; });
        });
    if (gather) {
        // Nearest without extrapolation is a pure gather: element moves by size, no arithmetic.
        const auto in_strides = strides_of(in);
        std::vector<std::vector<int64_t>> offsets;  // per axis: source offset (elements) per output index
        for (std::size_t d = 0; d < in.size(); ++d) {
            offsets.emplace_back();
            for (int64_t i : taps[d].index)
                offsets.back().push_back(i * in_strides[d]);
        }
        return make_kernel([offsets, out = spec.out](const KernelRun& r) {
            if (r.out(0).numel() == 0) return;
            const std::size_t rank = out.size();
            const int64_t inner = out[rank - 1], rows = product(out, 0, rank - 1);
            const auto& last = offsets[rank - 1];
            dispatch_by_size(dtype_size(r.in(0).dtype()), [&]<class T>() {
                const T* src = r.in(0).data<T>();
                T* dst = r.out(0).data<T>();
                parallel_for(rows, std::max<int64_t>(1, 4096 / inner), [&](int64_t b, int64_t e) {
                    for (int64_t row = b; row < e; ++row) {
                        int64_t rest = row, base = 0;
                        for (std::size_t d = rank - 1; d-- > 0;) {
                            base += offsets[d][static_cast<std::size_t>(rest % out[d])];
                            rest /= out[d];
                        }
                        T* o = dst + row * inner;
                        for (int64_t j = 0; j < inner; ++j)
                            o[j] = src[base + last[static_cast<std::size_t>(j)]];
                    }
                });
            });
        });
    }
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
