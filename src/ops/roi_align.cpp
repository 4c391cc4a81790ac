// SPDX-License-Identifier: MIT
// RoiAlign (ONNX opsets 10, 16): Y[r, c] = pooled output_height x output_width bins of X[batch_indices[r], c]
// over the region rois[r] = (x1, y1, x2, y2) scaled by spatial_scale. Each bin averages (mode avg) or takes the
// max (mode max, as onnxruntime: max over samples of the largest weighted corner) of a grid of bilinear samples,
// sampling_ratio per side (0: ceil(roi size / output size)). Samples beyond one pixel outside X count as 0.
// coordinate_transformation_mode (opset 16, default half_pixel) shifts the ROI by -0.5 pixel; opset 10 and
// output_half_pixel do not shift and enlarge ROIs to at least 1x1 pixel.
// X [N, C, H, W], rois [R, 4], batch_indices int64 [R] -> Y [R, C, output_height, output_width].
#include <cmath>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

struct RoiParams {
    int64_t out_h = 1, out_w = 1, sampling_ratio = 0;
    double spatial_scale = 1.0;
    bool half_pixel = false, max_mode = false;
};

RoiParams read_params(const NodeContext& ctx) {
    RoiParams p;
    p.out_h = ctx.attr_int("output_height", 1);
    p.out_w = ctx.attr_int("output_width", 1);
    p.sampling_ratio = ctx.attr_int("sampling_ratio", 0);
    p.spatial_scale = ctx.attr_float("spatial_scale", 1.0f);
    ctx.check(p.out_h >= 1 && p.out_w >= 1 && p.out_h <= (1 << 16) && p.out_w <= (1 << 16),
              "output_height and output_width must be in [1, 65536]");
    ctx.check(p.sampling_ratio >= 0 && p.sampling_ratio <= 1024, "sampling_ratio must be in [0, 1024]");
    const std::string mode = ctx.attr_string("mode", "avg");
    ctx.check(mode == "avg" || mode == "max", "mode must be avg or max, got '", mode, "'");
    p.max_mode = mode == "max";
    const std::string transform =
        ctx.opset() >= 16 ? ctx.attr_string("coordinate_transformation_mode", "half_pixel") : "output_half_pixel";
    ctx.check(transform == "half_pixel" || transform == "output_half_pixel",
              "coordinate_transformation_mode must be half_pixel or output_half_pixel, got '", transform, "'");
    p.half_pixel = transform == "half_pixel";
    return p;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0) && ctx.has_input(1) && ctx.has_input(2), "expects inputs X, rois, batch_indices");
    const Shape& x = ctx.input_shape(0);
    const Shape& rois = ctx.input_shape(1);
    ctx.check(x.size() == 4, "X must be 4-D [N, C, H, W], got ", shape_str(x));
    ctx.check(rois.size() == 2 && rois[1] == 4, "rois must be [num_rois, 4], got ", shape_str(rois));
    ctx.check(ctx.input_shape(2) == Shape{rois[0]}, "batch_indices must be [", rois[0], "], got ",
              shape_str(ctx.input_shape(2)));
    ctx.check(ctx.input_dtype(2) == DType::kInt64, "batch_indices must be int64");
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "X must be float32 or float64, got ", dtype_name(t));
    ctx.check(ctx.input_dtype(1) == t, "rois must have X's type");
    const RoiParams p = read_params(ctx);
    ctx.set_output(0, t, {rois[0], x[1], p.out_h, p.out_w});
}

constexpr int64_t kMaxGrid = 1 << 16;

// ceil(v) as an integer, -1 for NaN or values beyond kMaxGrid (rejected by the caller).
int64_t adaptive_grid(double v) {
    const double c = std::ceil(v);
    return c == c && c <= static_cast<double>(kMaxGrid) ? static_cast<int64_t>(std::max(c, 0.0)) : -1;
}

struct Corner {
    int64_t offset[4];
    double weight[4];
};

// Bilinear sample at (y, x) of an h x w plane as 4 weighted pixels; all-zero weights outside [-1, size].
Corner bilinear(double y, double x, int64_t h, int64_t w) {
    Corner c{{0, 0, 0, 0}, {0, 0, 0, 0}};
    if (!(y >= -1.0 && y <= static_cast<double>(h) && x >= -1.0 && x <= static_cast<double>(w))) return c;  // NaN too
    y = std::max(y, 0.0);
    x = std::max(x, 0.0);
    auto y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x), y1 = y0 + 1, x1 = x0 + 1;
    if (y0 >= h - 1) y0 = y1 = h - 1, y = static_cast<double>(y0);
    if (x0 >= w - 1) x0 = x1 = w - 1, x = static_cast<double>(x0);
    const double ly = y - static_cast<double>(y0), lx = x - static_cast<double>(x0), hy = 1 - ly, hx = 1 - lx;
    c = {{y0 * w + x0, y0 * w + x1, y1 * w + x0, y1 * w + x1}, {hy * hx, hy * lx, ly * hx, ly * lx}};
    return c;
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const RoiParams p = read_params(init);
    return make_kernel([p](const KernelRun& r) {
        const Shape& xs = r.in(0).shape();
        const int64_t n = xs[0], channels = xs[1], h = xs[2], w = xs[3], num_rois = r.in(1).shape()[0];
        const int64_t* batch = r.in(2).data<int64_t>();
        for (int64_t i = 0; i < num_rois; ++i)
            if (batch[i] < 0 || batch[i] >= n)
                fail(ErrorCode::kInvalidArgument, "RoiAlign: batch_indices[", i, "] = ", batch[i], " is outside [0, ",
                     n, ")");
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            const T* rois = r.in(1).data<T>();
            // Hostile ROIs (NaN, huge) must not make an unbounded adaptive sampling grid; checked here, outside
            // the parallel loop, which must not throw.
            for (int64_t i = 0; p.sampling_ratio == 0 && i < num_rois; ++i)
                for (int side = 0; side < 2; ++side) {
                    const double extent =
                        (static_cast<double>(rois[i * 4 + 2 + side]) - static_cast<double>(rois[i * 4 + side])) *
                        p.spatial_scale / static_cast<double>(side ? p.out_h : p.out_w);
                    if (adaptive_grid(extent) < 0)
                        fail(ErrorCode::kInvalidArgument, "RoiAlign: roi ", i, " needs ", extent,
                             " samples per bin side; at most ", kMaxGrid, " are supported");
                }
            T* y = r.out(0).data<T>();
            parallel_for(num_rois * channels, 1, [&](int64_t begin, int64_t end) {
                for (int64_t rc = begin; rc < end; ++rc) {
                    const int64_t roi = rc / channels, c = rc % channels;
                    const T* box = rois + roi * 4;
                    const double offset = p.half_pixel ? 0.5 : 0.0;
                    const double x1 = static_cast<double>(box[0]) * p.spatial_scale - offset;
                    const double y1 = static_cast<double>(box[1]) * p.spatial_scale - offset;
                    double roi_w = static_cast<double>(box[2]) * p.spatial_scale - offset - x1;
                    double roi_h = static_cast<double>(box[3]) * p.spatial_scale - offset - y1;
                    if (!p.half_pixel) roi_w = std::max(roi_w, 1.0), roi_h = std::max(roi_h, 1.0);
                    const double bin_h = roi_h / static_cast<double>(p.out_h),
                                 bin_w = roi_w / static_cast<double>(p.out_w);
                    const int64_t grid_h = p.sampling_ratio > 0 ? p.sampling_ratio : adaptive_grid(bin_h);
                    const int64_t grid_w = p.sampling_ratio > 0 ? p.sampling_ratio : adaptive_grid(bin_w);
                    const double count = static_cast<double>(std::max<int64_t>(grid_h * grid_w, 1));
                    const T* plane = x + (batch[roi] * channels + c) * h * w;
                    T* out = y + rc * p.out_h * p.out_w;
                    for (int64_t ph = 0; ph < p.out_h; ++ph)
                        for (int64_t pw = 0; pw < p.out_w; ++pw) {
                            double acc = 0.0;
                            bool first = true;
                            for (int64_t iy = 0; iy < grid_h; ++iy) {
                                const double sy = y1 + static_cast<double>(ph) * bin_h +
                                                  (static_cast<double>(iy) + 0.5) * bin_h / static_cast<double>(grid_h);
                                for (int64_t ix = 0; ix < grid_w; ++ix) {
                                    const double sx =
                                        x1 + static_cast<double>(pw) * bin_w +
                                        (static_cast<double>(ix) + 0.5) * bin_w / static_cast<double>(grid_w);
                                    const Corner k = bilinear(sy, sx, h, w);
                                    if (p.max_mode) {
                                        for (int j = 0; j < 4; ++j) {
                                            const double v = k.weight[j] * static_cast<double>(plane[k.offset[j]]);
                                            acc = first ? v : std::max(acc, v);
                                            first = false;
                                        }
                                    } else {
                                        for (int j = 0; j < 4; ++j)
                                            acc += k.weight[j] * static_cast<double>(plane[k.offset[j]]);
                                    }
                                }
                            }
                            out[ph * p.out_w + pw] = static_cast<T>(p.max_mode ? acc : acc / count);
                        }
                }
            });
        });
    });
}

}  // namespace

void register_roi_align(OpRegistry& registry) {
    registry.add({.name = "RoiAlign", .since_version = 10, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
