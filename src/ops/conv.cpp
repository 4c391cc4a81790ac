// SPDX-License-Identifier: MIT
// Conv (ONNX opsets 1, 11): N-D convolution, 1 to 3 spatial dims, with group, strides, dilations,
// pads or auto_pad (SAME_UPPER / SAME_LOWER / VALID) and an optional bias B[M].
//   X [N, C, spatial...], W [M, C/group, k...] -> Y [N, M, out...]
// kernel_shape, when given, must agree with W. SAME_* pads total = (out-1)*stride + (k-1)*dilation + 1 - in,
// the odd element going at the end (UPPER) or the beginning (LOWER). float32 runs on oneDNN at
// optimization level 2 (weights reordered once at plan time when they are constant); float64 and
// level 0 use the reference loop below.
#include "kernels/onednn/conv.hpp"
#include <algorithm>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "ops/support/nn_window.hpp"

namespace konnx::ops {
namespace {

struct ConvShape {
    int64_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
    Window window;
};

ConvShape conv_shape(const NodeContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    const Shape& w = ctx.input_shape(1);
    const std::vector<int64_t> in = spatial_dims(ctx, x, "input X");
    ctx.check(w.size() == x.size(), "W must have the rank of X (", x.size(), "), got ", shape_str(w));
    ctx.check(ctx.input_dtype(1) == ctx.input_dtype(0), "W and X have different types");
    ConvShape s;
    s.batch = x[0];
    s.in_channels = x[1];
    s.out_channels = w[0];
    s.groups = ctx.attr_int("group", 1);
    ctx.check(s.groups >= 1 && s.groups <= std::max<int64_t>(s.in_channels, 1) && s.in_channels % s.groups == 0 &&
                  s.out_channels % s.groups == 0,
              "group ", s.groups, " must divide the input channels (", s.in_channels, ") and W's first dim (",
              s.out_channels, ")");
    ctx.check(w[1] == s.in_channels / s.groups, "W ", shape_str(w), " does not match ", s.in_channels,
              " input channels in ", s.groups, " groups");
    const std::vector<int64_t> kernel(w.begin() + 2, w.end());
    for (int64_t k : kernel)
        ctx.check(k >= 1, "W has an empty kernel: ", shape_str(w));
    if (ctx.has_attr("kernel_shape"))
        ctx.check(ctx.attr_ints("kernel_shape") == kernel, "kernel_shape disagrees with W ", shape_str(w));
    if (ctx.has_input(2)) {
        ctx.check(ctx.input_shape(2) == Shape{s.out_channels}, "B must be [", s.out_channels, "], got ",
                  shape_str(ctx.input_shape(2)));
        ctx.check(ctx.input_dtype(2) == ctx.input_dtype(0), "B and X have different types");
    }
    s.window = make_window(ctx, WindowKind::kConv, in, kernel);
    return s;
}

void infer(InferContext& ctx) {
    const ConvShape s = conv_shape(ctx);
    Shape out{s.batch, s.out_channels};
    for (int64_t d : s.window.model_dims(s.window.out))
        out.push_back(d);
    ctx.set_output(0, ctx.input_dtype(0), out);
}

// Direct convolution: for each output element, sum over the group's input channels and the kernel window.
template <class T>
void conv_reference(const ConvShape& s, const T* x, const T* w, const T* b, T* y) {
    const Window& win = s.window;
    const int64_t icg = s.in_channels / s.groups, ocg = s.out_channels / s.groups;
    const int64_t in_size = win.in_size(), out_size = win.out_size(), k_size = win.kernel_size();
    // Plain variables, not a structured binding: the lambda below captures them (clang 14 cannot).
    const int64_t ID = win.in[0], IH = win.in[1], IW = win.in[2];
    const int64_t OD = win.out[0], OH = win.out[1], OW = win.out[2];
    const int64_t KD = win.kernel[0], KH = win.kernel[1], KW = win.kernel[2];
    parallel_for(s.batch * s.out_channels, 1, [&](int64_t begin, int64_t end) {
        for (int64_t no = begin; no < end; ++no) {
            const int64_t n = no / s.out_channels, oc = no % s.out_channels, g = oc / ocg;
            const T* xg = x + (n * s.in_channels + g * icg) * in_size;
            const T* wo = w + oc * icg * k_size;
            T* yo = y + no * out_size;
            for (int64_t od = 0; od < OD; ++od)
                for (int64_t oh = 0; oh < OH; ++oh)
                    for (int64_t ow = 0; ow < OW; ++ow) {
                        T acc = b ? b[oc] : T(0);
                        for (int64_t ic = 0; ic < icg; ++ic)
                            for (int64_t kd = 0; kd < KD; ++kd) {
                                const int64_t id = od * win.stride[0] - win.pad_begin[0] + kd * win.dilation[0];
                                if (id < 0 || id >= ID) continue;
                                for (int64_t kh = 0; kh < KH; ++kh) {
                                    const int64_t ih = oh * win.stride[1] - win.pad_begin[1] + kh * win.dilation[1];
                                    if (ih < 0 || ih >= IH) continue;
                                    for (int64_t kw = 0; kw < KW; ++kw) {
                                        const int64_t iw = ow * win.stride[2] - win.pad_begin[2] + kw * win.dilation[2];
                                        if (iw < 0 || iw >= IW) continue;
                                        acc += xg[ic * in_size + (id * IH + ih) * IW + iw] *
                                               wo[ic * k_size + (kd * KH + kh) * KW + kw];
                                    }
                                }
                            }
                        yo[(od * OH + oh) * OW + ow] = acc;
                    }
        }
    });
}

kernels::onednn::ConvParams onednn_params(const ConvShape& s, bool has_bias) {
    const Window& w = s.window;
    kernels::onednn::ConvParams p;
    p.batch = s.batch;
    p.in_channels = s.in_channels;
    p.out_channels = s.out_channels;
    p.groups = s.groups;
    p.in = w.model_dims(w.in);
    p.out = w.model_dims(w.out);
    p.kernel = w.model_dims(w.kernel);
    p.stride = w.model_dims(w.stride);
    p.dilation = w.model_dims(w.dilation);
    p.pad_begin = w.model_dims(w.pad_begin);
    p.pad_end = w.model_dims(w.pad_end);
    p.has_bias = has_bias;
    return p;
}

// 1x1 convolutions on plain NCHW are one GEMM per image, which oneDNN's gemm path runs at full speed
// without reordering activations; wider kernels (and depthwise) are faster in oneDNN's blocked layouts
// even counting the reorders (measured in bench/bench_conv.cpp).
kernels::onednn::Layout layout_for(const kernels::onednn::ConvParams& p) {
    const bool pointwise = std::all_of(p.kernel.begin(), p.kernel.end(), [](int64_t k) { return k == 1; });
    return pointwise && p.groups == 1 ? kernels::onednn::Layout::kPlain : kernels::onednn::Layout::kAuto;
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const ConvShape s = conv_shape(init);
    const bool empty = s.batch == 0 || s.out_channels == 0 || s.in_channels == 0;
    if (init.optimized() && init.input_dtype(0) == DType::kFloat32 && !empty) {
        const Tensor* w = init.input_value(1);
        try {
            struct OneDnnConv final : Kernel {
                kernels::onednn::Conv conv;
                OneDnnConv(const kernels::onednn::ConvParams& p, const float* w) : conv(p, w, layout_for(p)) {}
                void run(const KernelRun& r) const override {
                    conv.run(r.in(0).data<float>(), r.in(1).data<float>(),
                             r.has_in(2) ? r.in(2).data<float>() : nullptr, r.out(0).data<float>(), r.scratch);
                }
                std::size_t scratch_bytes() const override { return conv.scratch_bytes(); }
            };
            return std::make_unique<OneDnnConv>(onednn_params(s, init.has_input(2)), w ? w->data<float>() : nullptr);
        } catch (const dnnl::error&) {
            // no oneDNN implementation for this configuration: use the reference kernel
        }
    }
    return make_kernel([s](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            conv_reference<T>(s, r.in(0).data<T>(), r.in(1).data<T>(), r.has_in(2) ? r.in(2).data<T>() : nullptr,
                              r.out(0).data<T>());
        });
    });
}

}  // namespace

void register_conv(OpRegistry& registry) {
    registry.add({.name = "Conv", .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
