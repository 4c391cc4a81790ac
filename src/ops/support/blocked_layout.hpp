// SPDX-License-Identifier: MIT
// Activation layouts of the internal ops (FusedConv, Reorder) after graph::propagate_layouts.
// A 2-D tensor of logical shape [N, C, H, W] is stored in one of (attribute string -> physical shape):
//   "NCHW"    [N, C, H, W]          (also "": plain, any rank)
//   "NHWC"    [N, H, W, C]          channels last
//   "nChw8c"  [N, ceil(C/8), H, W, 8]   channel c of pixel (h, w) at [n, c/8, h, w, c%8]; padding zero
//   "nChw16c" [N, ceil(C/16), H, W, 16]
#pragma once

#include <cstdint>
#include <string>

#include "kernels/onednn/conv.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

using kernels::onednn::ActivationLayout;

/// The layout named by attribute `name` (default plain); errors name the node.
ActivationLayout layout_attr(const NodeContext& ctx, const char* name);
const char* layout_name(ActivationLayout layout);

/// oneDNN's preferred direct-convolution layout on this CPU as an attribute string ("" = plain).
std::string preferred_conv_layout();
/// Whether oneDNN has f32 Winograd convolutions on this CPU (nChw16c).
bool winograd_available();

/// The physical shape of logical NCHW `shape` stored in `layout`.
Shape physical_shape(const Shape& logical, ActivationLayout layout);

/// The logical NCHW shape of a tensor of physical `shape` stored in `layout`, given its channels;
/// checks that the two agree.
Shape logical_shape(const NodeContext& ctx, const Shape& physical, ActivationLayout layout, int64_t channels,
                    const char* what);

/// Plain NCHW [n, c, hw] <-> `layout` copies (blocked padding channels are written as zeros).
void from_plain(const float* plain, float* out, int64_t n, int64_t c, int64_t hw, ActivationLayout layout);
void to_plain(const float* in, float* plain, int64_t n, int64_t c, int64_t hw, ActivationLayout layout);

}  // namespace konnx::ops
