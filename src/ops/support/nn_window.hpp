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
#include <vector>

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

}  // namespace konnx::ops
