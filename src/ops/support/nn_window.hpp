// SPDX-License-Identifier: MIT
// Sliding-window geometry shared by Conv, ConvTranspose and the pooling ops: kernel_shape, strides,
// dilations, pads / auto_pad, ceil_mode -> output sizes and the explicit begin/end padding.
//
// Reference kernels work in 3 spatial dims: a 1-D or 2-D window is stored right-aligned in the
// 3-element arrays, with size-1 leading dims (kernel 1, stride 1, no padding), so one loop nest
// serves every rank.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/parallel.hpp"
#include "kernels/onednn/conv.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

inline constexpr int kMaxSpatial = 3;

struct Window {
    int spatial = 0;  ///< number of spatial dims in the model, 1..3
    // Right-aligned in 3 dims; leading unused dims are in=out=kernel=stride=dilation=1, pads 0.
    std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, dilation{1, 1, 1};
    std::array<int64_t, 3> pad_begin{0, 0, 0}, pad_end{0, 0, 0};

    int64_t in_size() const { return in[0] * in[1] * in[2]; }
    int64_t out_size() const { return out[0] * out[1] * out[2]; }
    int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
    /// The model's spatial dims of a 3-array (drops the padding dims).
    std::vector<int64_t> model_dims(const std::array<int64_t, 3>& a) const {
        return {a.begin() + (kMaxSpatial - spatial), a.end()};
    }
};

enum class WindowKind { kConv, kPool, kConvTranspose };

/// Reads strides, dilations, pads, auto_pad (and ceil_mode for pools; output_padding/output_shape
/// for ConvTranspose) and computes the output sizes. `in` are the input's spatial dims, `kernel`
/// the kernel's (from W for convolutions, from kernel_shape for pools). Validates everything.
Window make_window(const NodeContext& ctx, WindowKind kind, const std::vector<int64_t>& in,
                   const std::vector<int64_t>& kernel);

/// Spatial dims of a rank-(2+k) NC... tensor, checking 1 <= k <= 3.
std::vector<int64_t> spatial_dims(const NodeContext& ctx, const Shape& shape, const char* what);

/// Kernel sizes for a pooling op: the required kernel_shape attribute, checked against `spatial`.
std::vector<int64_t> pool_kernel_shape(const NodeContext& ctx, std::size_t spatial);

/// The oneDNN pooling kernel for this window (kind: 0 max, 1 average including pads, 2 average
/// excluding pads) over f32 [N, C, ...] stored in `layout` (src and dst), or nullptr when oneDNN cannot
/// reproduce ONNX's result.
std::unique_ptr<Kernel> make_onednn_pool(const Window& w, int64_t batch, int64_t channels, int kind,
                                         kernels::onednn::ActivationLayout layout = {});

/// Output shape [N, C, out...] of a pooling op over input shape [N, C, ...].
Shape pooled_shape(const Shape& input, const Window& w);

/// Calls f(plane, out_index, o) for every output position o = {od, oh, ow} of every N*C plane,
/// planes in parallel. out_index is the position's offset inside its output plane.
template <class F>
void for_each_output(const Window& w, int64_t planes, F&& f) {
    parallel_for(planes, 1, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p)
            for (int64_t od = 0; od < w.out[0]; ++od)
                for (int64_t oh = 0; oh < w.out[1]; ++oh)
                    for (int64_t ow = 0; ow < w.out[2]; ++ow)
                        f(p, (od * w.out[1] + oh) * w.out[2] + ow, std::array<int64_t, 3>{od, oh, ow});
    });
}

/// Calls tap(i) with the in-plane offset i = (id*IH + ih)*IW + iw of every window element of output
/// position o that lies inside the input (padding taps are skipped).
template <class F>
void for_each_tap(const Window& w, const std::array<int64_t, 3>& o, F&& tap) {
    for (int64_t kd = 0; kd < w.kernel[0]; ++kd) {
        const int64_t id = o[0] * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
        if (id < 0 || id >= w.in[0]) continue;
        for (int64_t kh = 0; kh < w.kernel[1]; ++kh) {
            const int64_t ih = o[1] * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
            if (ih < 0 || ih >= w.in[1]) continue;
            for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
                const int64_t iw = o[2] * w.stride[2] - w.pad_begin[2] + kw * w.dilation[2];
                if (iw < 0 || iw >= w.in[2]) continue;
                tap((id * w.in[1] + ih) * w.in[2] + iw);
            }
        }
    }
}

/// MaxPool over N*C plain planes: the max of each window's taps (padding taps ignored; the first one
/// on ties); `indices` (may be null) gets each maximum's in-plane offset, -1 for a window of padding only.
template <class T>
void max_pool_planes(const Window& w, int64_t planes, const T* x, T* y, int64_t* indices) {
    const int64_t in_size = w.in_size(), out_size = w.out_size();
    for_each_output(w, planes, [&](int64_t p, int64_t o, const std::array<int64_t, 3>& pos) {
        const T* xp = x + p * in_size;
        T best = std::numeric_limits<T>::lowest();
        int64_t best_at = -1;
        for_each_tap(w, pos, [&](int64_t i) {
            if (best_at < 0 || xp[i] > best) best = xp[i], best_at = i;
        });
        y[p * out_size + o] = best;
        if (indices) indices[p * out_size + o] = best_at;
    });
}

/// Window elements of output position o inside the input or its explicit padding (not beyond it,
/// as ceil_mode windows may reach): AveragePool's divisor with count_include_pad.
int64_t taps_within_padding(const Window& w, const std::array<int64_t, 3>& o);

}  // namespace konnx::ops
