// SPDX-License-Identifier: MIT
// GridSample (ONNX opset 16, 4-D): Y[n, c, h, w] = X[n, c] sampled at grid[n, h, w] = (x, y) in [-1, 1]
// (PyTorch's grid_sample). X [N, C, H, W], grid [N, Ho, Wo, 2] -> Y [N, C, Ho, Wo].
//  - align_corners = 1: -1 and 1 are the centers of the corner pixels; 0: the outer edges of the corner pixels.
//  - mode: bilinear (default), nearest (round half to even), bicubic (Keys cubic, A = -0.75, 4x4 taps).
//  - padding_mode: zeros (outside reads 0), border (coordinates clamped), reflection (reflected at the borders,
//    which are the corner centers with align_corners = 1 and the edges otherwise, then clamped).
// As in PyTorch, bilinear/nearest pad the sampling coordinate, bicubic pads each tap.
#include <algorithm>
#include <cmath>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

enum class Mode { kBilinear, kNearest, kBicubic };
enum class Padding { kZeros, kBorder, kReflection };

struct Sampler {
    Mode mode = Mode::kBilinear;
    Padding padding = Padding::kZeros;
    bool align_corners = false;
};

Sampler read_sampler(const NodeContext& ctx) {
    Sampler s;
    const std::string mode = ctx.attr_string("mode", "bilinear");
    const std::string padding = ctx.attr_string("padding_mode", "zeros");
    if (mode == "bilinear")
        s.mode = Mode::kBilinear;
    else if (mode == "nearest")
        s.mode = Mode::kNearest;
    else if (mode == "bicubic")
        s.mode = Mode::kBicubic;
    else
        ctx.fail("mode must be bilinear, nearest or bicubic, got '", mode, "'");
    if (padding == "zeros")
        s.padding = Padding::kZeros;
    else if (padding == "border")
        s.padding = Padding::kBorder;
    else if (padding == "reflection")
        s.padding = Padding::kReflection;
    else
        ctx.fail("padding_mode must be zeros, border or reflection, got '", padding, "'");
    s.align_corners = ctx.attr_int("align_corners", 0) != 0;
    return s;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0) && ctx.has_input(1), "expects inputs X and grid");
    const Shape& x = ctx.input_shape(0);
    const Shape& grid = ctx.input_shape(1);
    ctx.check(x.size() == 4, "X must be 4-D [N, C, H, W], got ", shape_str(x));
    ctx.check(grid.size() == 4 && grid[0] == x[0] && grid[3] == 2, "grid must be [", x[0], ", H_out, W_out, 2], got ",
              shape_str(grid));
    ctx.check(ctx.input_dtype(1) == ctx.input_dtype(0), "grid must have X's type");
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "X must be float32 or float64, got ", dtype_name(t));
    read_sampler(ctx);
    ctx.set_output(0, t, {x[0], x[1], grid[1], grid[2]});
}

double unnormalize(double coord, int64_t size, bool align_corners) {
    return align_corners ? (coord + 1) / 2 * static_cast<double>(size - 1)
                         : ((coord + 1) * static_cast<double>(size) - 1) / 2;
}

// Reflects x into [low, high] given as twice their values (so half-pixel borders stay integral).
double reflect(double x, int64_t twice_low, int64_t twice_high) {
    if (twice_low == twice_high) return 0;
    const double lo = static_cast<double>(twice_low) / 2, span = static_cast<double>(twice_high - twice_low) / 2;
    x = std::fabs(x - lo);
    const double extra = std::fmod(x, span);
    const auto flips = static_cast<int64_t>(std::floor(x / span));
    return flips % 2 == 0 ? extra + lo : span - extra + lo;
}

double pad_coordinate(double x, int64_t size, const Sampler& s) {
    if (s.padding == Padding::kBorder) return std::clamp(x, 0.0, static_cast<double>(size - 1));
    if (s.padding == Padding::kReflection) {
        x = s.align_corners ? reflect(x, 0, 2 * (size - 1)) : reflect(x, -1, 2 * size - 1);
        return std::clamp(x, 0.0, static_cast<double>(size - 1));
    }
    return x;
}

template <class T>
double pixel(const T* plane, int64_t h, int64_t w, int64_t y, int64_t x) {
    return y >= 0 && y < h && x >= 0 && x < w ? static_cast<double>(plane[y * w + x]) : 0.0;
}

void cubic_weights(double t, double out[4]) {
    constexpr double A = -0.75;
    auto near = [](double d) { return ((A + 2) * d - (A + 3)) * d * d + 1; };
    auto far = [](double d) { return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A; };
    out[0] = far(t + 1);
    out[1] = near(t);
    out[2] = near(1 - t);
    out[3] = far(2 - t);
}

template <class T>
double sample(const T* plane, int64_t h, int64_t w, double gx, double gy, const Sampler& s) {
    if (!std::isfinite(gx) || !std::isfinite(gy)) return 0.0;  // undefined in ONNX; never an out-of-range index
    // Far-away coordinates sample nothing (or, padded, the border): bounded so integer conversions stay defined.
    constexpr double kFar = 1e12;
    double x = std::clamp(unnormalize(gx, w, s.align_corners), -kFar, kFar);
    double y = std::clamp(unnormalize(gy, h, s.align_corners), -kFar, kFar);
    if (s.mode == Mode::kBicubic) {
        const double x0 = std::floor(x), y0 = std::floor(y);
        double wx[4], wy[4];
        cubic_weights(x - x0, wx);
        cubic_weights(y - y0, wy);
        double acc = 0;
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) {
                double ty = y0 - 1 + i, tx = x0 - 1 + j;
                if (s.padding != Padding::kZeros) {
                    ty = pad_coordinate(ty, h, s);
                    tx = pad_coordinate(tx, w, s);
                }
                acc += wy[i] * wx[j] * pixel(plane, h, w, static_cast<int64_t>(ty), static_cast<int64_t>(tx));
            }
        return acc;
    }
    x = pad_coordinate(x, w, s);
    y = pad_coordinate(y, h, s);
    if (s.mode == Mode::kNearest)
        return pixel(plane, h, w, static_cast<int64_t>(std::nearbyint(y)), static_cast<int64_t>(std::nearbyint(x)));
    const double x0 = std::floor(x), y0 = std::floor(y), fx = x - x0, fy = y - y0;
    const auto ix = static_cast<int64_t>(x0), iy = static_cast<int64_t>(y0);
    return (1 - fy) * ((1 - fx) * pixel(plane, h, w, iy, ix) + fx * pixel(plane, h, w, iy, ix + 1)) +
           fy * ((1 - fx) * pixel(plane, h, w, iy + 1, ix) + fx * pixel(plane, h, w, iy + 1, ix + 1));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Sampler s = read_sampler(init);
    return make_kernel([s](const KernelRun& r) {
        const Shape& x = r.in(0).shape();
        const Shape& y = r.out(0).shape();
        const int64_t n = x[0], c = x[1], h = x[2], w = x[3], ho = y[2], wo = y[3];
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            const T* in = r.in(0).data<T>();
            const T* grid = r.in(1).data<T>();
            T* out = r.out(0).data<T>();
            parallel_for(n * c, 1, [&](int64_t begin, int64_t end) {
                for (int64_t nc = begin; nc < end; ++nc) {
                    const T* plane = in + nc * h * w;
                    const T* g = grid + (nc / c) * ho * wo * 2;
                    for (int64_t p = 0; p < ho * wo; ++p)
                        out[nc * ho * wo + p] = static_cast<T>(
                            sample(plane, h, w, static_cast<double>(g[2 * p]), static_cast<double>(g[2 * p + 1]), s));
                }
            });
        });
    });
}

}  // namespace

void register_grid_sample(OpRegistry& registry) {
    registry.add({.name = "GridSample", .since_version = 16, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
