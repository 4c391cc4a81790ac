// SPDX-License-Identifier: MIT
// Shape checking, the reference loop and oneDNN parameters shared by Conv and the internal FusedConv.
#pragma once

#include "core/parallel.hpp"
#include "kernels/onednn/conv.hpp"
#include "ops/support/nn_window.hpp"

namespace konnx::ops {

struct ConvShape {
    int64_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
    Window window;
};

/// Checks a Conv-like node (inputs X [N, C, spatial...], W, optional B; Conv's attributes) and
/// computes its window.
ConvShape conv_shape(const NodeContext& ctx);
/// W's spatial kernel dims (after [out, in] or [in, out]), each >= 1 and equal to `kernel_shape` when given.
std::vector<int64_t> checked_kernel(const NodeContext& ctx, const Shape& w);
/// Optional input 2 (B) is [out_channels] of X's dtype.
void check_conv_bias(const NodeContext& ctx, int64_t out_channels);
/// The window geometry of X (input `x_input`) convolved with W (`w_input`), checked: rank, groups, kernel,
/// kernel_shape, pads/strides/dilations. Shared by Conv, FusedConv and the integer convolutions.
ConvShape conv_geometry(const NodeContext& ctx, std::size_t x_input, std::size_t w_input);

/// oneDNN parameters for the convolution (plain layouts, no post-ops).
kernels::onednn::ConvParams onednn_conv_params(const ConvShape& s, bool has_bias);

/// Cost of Conv, FusedConv, ConvInteger, QLinearConv: two operations per multiply-add of W over Y.
OpCost conv_cost(const KernelInit& init);
/// Cost of ConvTranspose: W's multiply-adds over each element of X.
OpCost conv_transpose_cost(const KernelInit& init);

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

}  // namespace konnx::ops
