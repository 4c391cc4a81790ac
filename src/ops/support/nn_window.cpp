// SPDX-License-Identifier: MIT
#include "ops/support/nn_window.hpp"

#include <string>

#include "core/strings.hpp"
#include "kernels/onednn/pool.hpp"

namespace konnx::ops {
namespace {

constexpr int64_t kMaxWindowDim = int64_t{1} << 31;  // sizes beyond this are hostile

std::vector<int64_t> read_positive(const NodeContext& ctx, const char* name, std::size_t n) {
    std::vector<int64_t> v = ctx.attr_ints(name, std::vector<int64_t>(n, 1));
    ctx.check(v.size() == n, "attribute '", name, "' should have ", n, " values, got ", v.size());
    for (int64_t x : v)
        ctx.check(x >= 1 && x <= kMaxWindowDim, "attribute '", name, "' has invalid value ", x);
    return v;
}

int64_t div_floor(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t div_ceil(int64_t a, int64_t b) { return -div_floor(-a, b); }

}  // namespace

std::vector<int64_t> spatial_dims(const NodeContext& ctx, const Shape& shape, const char* what) {
    ctx.check(shape.size() >= 3, what, " must have rank >= 3 (N, C, spatial...), got ", shape_str(shape));
    if (shape.size() > 2 + kMaxSpatial)
        ctx.unsupported(what, " has ", shape.size() - 2, " spatial dims; at most ", kMaxSpatial, " are supported");
    return {shape.begin() + 2, shape.end()};
}

std::vector<int64_t> pool_kernel_shape(const NodeContext& ctx, std::size_t spatial) {
    std::vector<int64_t> k = ctx.attr_ints("kernel_shape");
    ctx.check(!k.empty(), "required attribute 'kernel_shape' is missing");
    ctx.check(k.size() == spatial, "kernel_shape has ", k.size(), " values for ", spatial, " spatial dims");
    for (int64_t x : k)
        ctx.check(x >= 1 && x <= kMaxWindowDim, "kernel_shape has invalid value ", x);
    return k;
}

Window make_window(const NodeContext& ctx, WindowKind kind, const std::vector<int64_t>& in,
                   const std::vector<int64_t>& kernel) {
    const std::size_t n = in.size();
    Window w;
    w.spatial = static_cast<int>(n);
    const std::vector<int64_t> strides = read_positive(ctx, "strides", n);
    // MaxPool has dilations from opset 10; AveragePool from 19; Conv always.
    const std::vector<int64_t> dilations = read_positive(ctx, "dilations", n);
    std::vector<int64_t> pads = ctx.attr_ints("pads", std::vector<int64_t>(2 * n, 0));
    ctx.check(pads.size() == 2 * n, "attribute 'pads' should have ", 2 * n, " values, got ", pads.size());
    for (int64_t p : pads)
        ctx.check(p >= 0 && p <= kMaxWindowDim, "attribute 'pads' has invalid value ", p);
    const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
    ctx.check(auto_pad == "NOTSET" || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER" || auto_pad == "VALID",
              "unknown auto_pad '", auto_pad, "'");
    const bool ceil_mode = kind == WindowKind::kPool && ctx.attr_int("ceil_mode", 0) != 0;

    std::vector<int64_t> output_padding, output_shape;
    if (kind == WindowKind::kConvTranspose) {
        output_padding = ctx.attr_ints("output_padding", std::vector<int64_t>(n, 0));
        ctx.check(output_padding.size() == n, "output_padding should have ", n, " values");
        output_shape = ctx.attr_ints("output_shape");
        if (output_shape.size() == n + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
        ctx.check(output_shape.empty() || output_shape.size() == n, "output_shape should have ", n, " values");
    }

    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t a = kMaxSpatial - n + i;  // right-aligned slot
        const int64_t k = kernel[i], s = strides[i], d = dilations[i];
        ctx.check(in[i] >= 0 && k >= 1, "invalid window: input size ", in[i], ", kernel ", k);
        const int64_t extent = (k - 1) * d + 1;  // the dilated kernel's span
        int64_t pb = pads[i], pe = pads[n + i], out = 0;
        if (kind == WindowKind::kConvTranspose) {
            const int64_t op = output_padding[i];
            ctx.check(op >= 0 && (op < s || op < d), "output_padding ", op, " must be smaller than stride or dilation");
            const int64_t full = s * (in[i] - 1) + op + extent;  // output size with no padding
            if (!output_shape.empty() || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
                out = output_shape.empty() ? in[i] * s : output_shape[i];
                // ONNX: SAME_UPPER puts the smaller half first; otherwise the larger half first. A requested
                // output larger than the scatter gives negative pads, halved with floor division as in ONNX's
                // reference (total -1 -> 0 at the beginning, -1 at the end: the scatter stays at the origin).
                const int64_t total = full - out;
                pb = auto_pad == "SAME_UPPER" ? div_floor(total, 2) : total - div_floor(total, 2);
                pe = total - pb;
            } else {
                if (auto_pad == "VALID") pb = pe = 0;
                out = full - pb - pe;
            }
        } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
            out = div_ceil(in[i], s);
            const int64_t total = std::max<int64_t>((out - 1) * s + extent - in[i], 0);
            pb = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
            pe = total - pb;
        } else {
            if (auto_pad == "VALID") pb = pe = 0;
            const int64_t span = in[i] + pb + pe - extent;
            ctx.check(span >= 0, "window of size ", extent, " does not fit input size ", in[i], " with pads ", pb, "+",
                      pe);
            if (ceil_mode) {
                out = div_ceil(span, s) + 1;
                if ((out - 1) * s >= in[i] + pb) --out;  // the last window must start inside input or left pad
            } else {
                out = span / s + 1;
            }
        }
        ctx.check(out >= 1, "computed output size ", out, " along spatial axis ", i, " is not positive");
        w.in[a] = in[i];
        w.out[a] = out;
        w.kernel[a] = k;
        w.stride[a] = s;
        w.dilation[a] = d;
        w.pad_begin[a] = pb;
        w.pad_end[a] = pe;
    }
    return w;
}

std::unique_ptr<Kernel> make_onednn_pool(const Window& w, int64_t batch, int64_t channels, int kind,
                                         kernels::onednn::ActivationLayout layout) {
    namespace dnn = kernels::onednn;
    if (batch == 0 || channels == 0) return nullptr;
    dnn::PoolParams p;
    p.kind = static_cast<dnn::PoolKind>(kind);
    p.batch = batch;
    p.channels = channels;
    p.in = w.model_dims(w.in);
    p.out = w.model_dims(w.out);
    p.kernel = w.model_dims(w.kernel);
    p.stride = w.model_dims(w.stride);
    p.dilation = w.model_dims(w.dilation);
    p.pad_begin = w.model_dims(w.pad_begin);
    p.pad_end = w.model_dims(w.pad_end);
    p.layout = layout;
    for (std::size_t i = 0; i < p.in.size(); ++i) {
        // ceil_mode windows may reach past the explicit end padding: oneDNN wants that as padding too.
        const int64_t reach = (p.out[i] - 1) * p.stride[i] + (p.kernel[i] - 1) * p.dilation[i] + 1;
        const int64_t needed = reach - p.in[i] - p.pad_begin[i];
        if (needed > p.pad_end[i]) {
            if (p.kind == dnn::PoolKind::kAverageIncludePad) return nullptr;  // would count the extra pad
            p.pad_end[i] = needed;
        }
    }
    try {
        struct OneDnnPool final : Kernel {
            dnn::Pool pool;
            explicit OneDnnPool(const dnn::PoolParams& p) : pool(p) {}
            void run(const KernelRun& r) const override {
                pool.run(r.in(0).data<float>(), r.out(0).data<float>(), r.scratch);
            }
            std::size_t scratch_bytes() const override { return pool.scratch_bytes(); }
        };
        return std::make_unique<OneDnnPool>(p);
    } catch (const dnnl::error&) {
        return nullptr;
    }
}

Shape pooled_shape(const Shape& input, const Window& w) {
    Shape out{input[0], input[1]};
    for (int64_t d : w.model_dims(w.out))
        out.push_back(d);
    return out;
}

int64_t taps_within_padding(const Window& w, const std::array<int64_t, 3>& o) {
    int64_t count = 1;
    for (int a = 0; a < kMaxSpatial; ++a) {
        int64_t n = 0;
        for (int64_t k = 0; k < w.kernel[a]; ++k) {
            const int64_t i = o[a] * w.stride[a] - w.pad_begin[a] + k * w.dilation[a];
            if (i >= -w.pad_begin[a] && i < w.in[a] + w.pad_end[a]) ++n;
        }
        count *= n;
    }
    return count;
}

}  // namespace konnx::ops
