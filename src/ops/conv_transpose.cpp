// SPDX-License-Identifier: MIT
// ConvTranspose (ONNX opsets 1, 11): the gradient of Conv with respect to its input, 1 to 3 spatial dims.
//   X [N, C, in...], W [C, M/group, k...], optional B [M] -> Y [N, M, out...]
//   out = stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pad_begin - pad_end
// With output_shape (or auto_pad SAME_*, where out = in * stride) the pads are derived from the
// total: SAME_UPPER puts the smaller half at the beginning, otherwise the larger half. Each input
// element scatters x * W into the output window it reaches. float32 runs on oneDNN deconvolution at
// optimization level 2 (weights reordered once at plan time when constant).
#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "kernels/onednn/conv.hpp"
#include "ops/support/conv_shape.hpp"
#include "ops/support/nn_window.hpp"

namespace konnx::ops {
namespace {

struct DeconvShape {
    int64_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
    Window window;
};

DeconvShape deconv_shape(const NodeContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    const Shape& w = ctx.input_shape(1);
    const std::vector<int64_t> in = spatial_dims(ctx, x, "input X");
    ctx.check(w.size() == x.size(), "W must have the rank of X (", x.size(), "), got ", shape_str(w));
    ctx.check(ctx.input_dtype(1) == ctx.input_dtype(0), "W and X have different types");
    DeconvShape s;
    s.batch = x[0];
    s.in_channels = x[1];
    s.groups = ctx.attr_int("group", 1);
    ctx.check(s.groups >= 1 && s.groups <= std::max<int64_t>(s.in_channels, 1) && s.in_channels % s.groups == 0,
              "group ", s.groups, " must divide the input channels (", s.in_channels, ")");
    ctx.check(w[0] == s.in_channels, "W ", shape_str(w), " must start with the input channels (", s.in_channels, ")");
    s.out_channels = w[1] * s.groups;  // both are bounded by real tensor sizes: no overflow
    checked_numel(Shape{w[1], s.groups});
    const std::vector<int64_t> kernel = checked_kernel(ctx, w);
    check_conv_bias(ctx, s.out_channels);
    s.window = make_window(ctx, WindowKind::kConvTranspose, in, kernel);
    return s;
}

void infer(InferContext& ctx) {
    const DeconvShape s = deconv_shape(ctx);
    Shape out{s.batch, s.out_channels};
    for (int64_t d : s.window.model_dims(s.window.out))
        out.push_back(d);
    ctx.set_output(0, ctx.input_dtype(0), out);
}

// Each output plane (n, oc) gathers the scatter of its group's input channels, so planes run in parallel.
template <class T>
void deconv_reference(const DeconvShape& s, const T* x, const T* w, const T* b, T* y) {
    const Window& win = s.window;
    const int64_t icg = s.in_channels / s.groups, ocg = s.out_channels / s.groups;
    const int64_t in_size = win.in_size(), out_size = win.out_size(), k_size = win.kernel_size();
    // Plain variables, not a structured binding: the lambda below captures them (clang 14 cannot).
    const int64_t ID = win.in[0], IH = win.in[1], IW = win.in[2];
    const int64_t OD = win.out[0], OH = win.out[1], OW = win.out[2];
    const int64_t KD = win.kernel[0], KH = win.kernel[1], KW = win.kernel[2];
    parallel_for(s.batch * s.out_channels, 1, [&](int64_t begin, int64_t end) {
        for (int64_t no = begin; no < end; ++no) {
            const int64_t n = no / s.out_channels, oc = no % s.out_channels, g = oc / ocg, ocl = oc % ocg;
            T* yo = y + no * out_size;
            std::fill_n(yo, out_size, b ? b[oc] : T(0));
            for (int64_t icl = 0; icl < icg; ++icl) {
                const int64_t ic = g * icg + icl;
                const T* xc = x + (n * s.in_channels + ic) * in_size;
                const T* wk = w + (ic * ocg + ocl) * k_size;  // W[ic, ocl, :]
                for (int64_t id = 0; id < ID; ++id)
                    for (int64_t ih = 0; ih < IH; ++ih)
                        for (int64_t iw = 0; iw < IW; ++iw) {
                            const T v = xc[(id * IH + ih) * IW + iw];
                            for (int64_t kd = 0; kd < KD; ++kd) {
                                const int64_t od = id * win.stride[0] - win.pad_begin[0] + kd * win.dilation[0];
                                if (od < 0 || od >= OD) continue;
                                for (int64_t kh = 0; kh < KH; ++kh) {
                                    const int64_t oh = ih * win.stride[1] - win.pad_begin[1] + kh * win.dilation[1];
                                    if (oh < 0 || oh >= OH) continue;
                                    for (int64_t kw = 0; kw < KW; ++kw) {
                                        const int64_t ow = iw * win.stride[2] - win.pad_begin[2] + kw * win.dilation[2];
                                        if (ow < 0 || ow >= OW) continue;
                                        yo[(od * OH + oh) * OW + ow] += v * wk[(kd * KH + kh) * KW + kw];
                                    }
                                }
                            }
                        }
            }
        }
    });
}

std::unique_ptr<Kernel> make_onednn(const DeconvShape& s, bool has_bias, const Tensor* w) {
    const Window& win = s.window;
    kernels::onednn::ConvParams p;
    p.transposed = true;
    p.batch = s.batch;
    p.in_channels = s.in_channels;
    p.out_channels = s.out_channels;
    p.groups = s.groups;
    p.in = win.model_dims(win.in);
    p.out = win.model_dims(win.out);
    p.kernel = win.model_dims(win.kernel);
    p.stride = win.model_dims(win.stride);
    p.dilation = win.model_dims(win.dilation);
    p.pad_begin = win.model_dims(win.pad_begin);
    p.pad_end.resize(p.in.size());
    for (std::size_t i = 0; i < p.in.size(); ++i) {
        // oneDNN wants the end padding that makes the sizes consistent (output_padding folds into it).
        p.pad_end[i] = (p.in[i] - 1) * p.stride[i] + (p.kernel[i] - 1) * p.dilation[i] + 1 - p.pad_begin[i] - p.out[i];
        if (p.pad_begin[i] < 0 || p.pad_end[i] < 0) return nullptr;  // output reaches past the scatter: reference
    }
    p.has_bias = has_bias;
    struct OneDnnDeconv final : Kernel {
        kernels::onednn::Conv conv;
        OneDnnDeconv(const kernels::onednn::ConvParams& p, const float* w) : conv(p, w) {}
        void run(const KernelRun& r) const override {
            conv.run(r.in(0).data<float>(), r.in(1).data<float>(), r.has_in(2) ? r.in(2).data<float>() : nullptr,
                     r.out(0).data<float>(), r.scratch);
        }
        std::size_t scratch_bytes() const override { return conv.scratch_bytes(); }
    };
    try {
        return std::make_unique<OneDnnDeconv>(p, w ? w->data<float>() : nullptr);
    } catch (const dnnl::error&) {
        return nullptr;
    }
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const DeconvShape s = deconv_shape(init);
    const bool empty = s.batch == 0 || s.out_channels == 0 || s.in_channels == 0;
    if (init.optimized() && init.input_dtype(0) == DType::kFloat32 && !empty)
        if (auto k = make_onednn(s, init.has_input(2), init.input_value(1))) return k;
    return make_kernel([s](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            deconv_reference<T>(s, r.in(0).data<T>(), r.in(1).data<T>(), r.has_in(2) ? r.in(2).data<T>() : nullptr,
                                r.out(0).data<T>());
        });
    });
}

}  // namespace

void register_conv_transpose(OpRegistry& registry) {
    registry.add({.name = "ConvTranspose",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = conv_transpose_cost,
                  .packed_float_inputs = 1u << 1});
}

}  // namespace konnx::ops
