// SPDX-License-Identifier: MIT
#include "ops/support/quant.hpp"

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "ops/support/conv_shape.hpp"

namespace konnx::ops {

void check_per_axis(const NodeContext& ctx, std::size_t i, int64_t axis_len, const char* what) {
    if (!ctx.has_input(i)) return;
    const Shape& s = ctx.input_shape(i);
    const int64_t n = product(s);
    ctx.check(s.size() <= 1 && (n == 1 || n == axis_len), what, " must be a scalar or a 1-D tensor of ", axis_len,
              " elements, got ", shape_str(s));
}

double per_axis_value(const Tensor* t, int64_t k) {
    if (!t || !t->defined()) return 0.0;
    const int64_t i = t->numel() == 1 ? 0 : k;
    double v = 0.0;
    dispatch_list(NumericTypes{}, t->dtype(), [&]<class T>() { v = static_cast<double>(t->data<T>()[i]); });
    return v;
}

std::vector<int32_t> centered_int32(const Tensor& x, const Tensor* zero_point, int64_t axis) {
    const Shape& shape = x.shape();
    const int64_t inner = axis < static_cast<int64_t>(shape.size()) ? product(shape, axis + 1, shape.size()) : 1;
    const int64_t len = axis < static_cast<int64_t>(shape.size()) ? shape[axis] : 1;
    std::vector<int32_t> zp(static_cast<std::size_t>(std::max<int64_t>(len, 1)));
    for (int64_t k = 0; k < len; ++k)
        zp[k] = static_cast<int32_t>(per_axis_value(zero_point, k));
    std::vector<int32_t> out(static_cast<std::size_t>(x.numel()));
    dispatch<uint8_t, int8_t, int32_t>(x.dtype(), [&]<class T>() {
        const T* p = x.data<T>();
        for (int64_t i = 0; i < x.numel(); ++i)
            out[i] = static_cast<int32_t>(p[i]) - zp[len > 0 ? (i / inner) % len : 0];
    });
    return out;
}

void store_quantized(Tensor& out, int64_t i, double v, double zero_point) {
    dispatch<uint8_t, int8_t, int32_t>(out.dtype(),
                                       [&]<class T>() { out.data<T>()[i] = saturate_round<T>(v, zero_point); });
}

IntConvShape int_conv_shape(const NodeContext& ctx, std::size_t x_input, std::size_t w_input) {
    const ConvShape g = conv_geometry(ctx, x_input, w_input);
    IntConvShape s;
    s.batch = g.batch;
    s.in_channels = g.in_channels;
    s.out_channels = g.out_channels;
    s.groups = g.groups;
    s.window = g.window;
    s.out = {s.batch, s.out_channels};
    for (int64_t d : s.window.model_dims(s.window.out))
        s.out.push_back(d);
    return s;
}

void int_conv(const IntConvShape& s, const int32_t* x, const int32_t* w, const int32_t* bias, int32_t* y) {
    const Window& win = s.window;
    const int64_t icg = s.in_channels / s.groups, ocg = s.out_channels / s.groups;
    const int64_t in_size = win.in_size(), out_size = win.out_size(), k_size = win.kernel_size();
    parallel_for(s.batch * s.out_channels, 1, [&](int64_t begin, int64_t end) {
        for (int64_t no = begin; no < end; ++no) {
            const int64_t n = no / s.out_channels, oc = no % s.out_channels, g = oc / ocg;
            const int32_t* xg = x + (n * s.in_channels + g * icg) * in_size;
            const int32_t* wo = w + oc * icg * k_size;
            for (int64_t od = 0; od < win.out[0]; ++od)
                for (int64_t oh = 0; oh < win.out[1]; ++oh)
                    for (int64_t ow = 0; ow < win.out[2]; ++ow) {
                        int32_t acc = bias ? bias[oc] : 0;
                        const std::array<int64_t, 3> o{od, oh, ow};
                        for (int64_t ic = 0; ic < icg; ++ic) {
                            // Taps in window order, so the weight index advances with the kernel loops.
                            for (int64_t kd = 0; kd < win.kernel[0]; ++kd) {
                                const int64_t id = o[0] * win.stride[0] - win.pad_begin[0] + kd * win.dilation[0];
                                if (id < 0 || id >= win.in[0]) continue;
                                for (int64_t kh = 0; kh < win.kernel[1]; ++kh) {
                                    const int64_t ih = o[1] * win.stride[1] - win.pad_begin[1] + kh * win.dilation[1];
                                    if (ih < 0 || ih >= win.in[1]) continue;
                                    for (int64_t kw = 0; kw < win.kernel[2]; ++kw) {
                                        const int64_t iw =
                                            o[2] * win.stride[2] - win.pad_begin[2] + kw * win.dilation[2];
                                        if (iw < 0 || iw >= win.in[2]) continue;
                                        acc += xg[ic * in_size + (id * win.in[1] + ih) * win.in[2] + iw] *
                                               wo[ic * k_size + (kd * win.kernel[1] + kh) * win.kernel[2] + kw];
                                    }
                                }
                            }
                        }
                        y[no * out_size + (od * win.out[1] + oh) * win.out[2] + ow] = acc;
                    }
        }
    });
}

}  // namespace konnx::ops
