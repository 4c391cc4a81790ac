// SPDX-License-Identifier: MIT
// oneDNN convolution and deconvolution (ONNX Conv / ConvTranspose) over plain NC[D]HW buffers.
//
// Weights are given in ONNX layout ([M, C/g, k...] for Conv, [C, M/g, k...] for ConvTranspose).
// oneDNN picks the weights' layout (format_tag::any); constant weights are reordered once here,
// runtime weights on every run into the scratch buffer. With Layout::kAuto oneDNN also picks the
// activations' layout and run() reorders in and out through scratch (a large win for wide convs).
// With Layout::kGiven the caller fixes the activations' layout (plain or channel-blocked, decided once
// per graph by graph::propagate_layouts) and the primitive reads and writes it directly.
//
// Fused epilogue (oneDNN post-ops): y = post_sum(pre_sum(conv(x, w) + bias) + z), where pre_sum and
// post_sum are chains of elementwise ops and z (optional) has y's dims and layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kernels/onednn/common.hpp"

namespace konnx::kernels::onednn {

/// One elementwise op fused after the convolution: oneDNN eltwise `alg` with its alpha and beta.
struct EltwiseOp {
    dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
    float alpha = 0.f, beta = 0.f;
};

struct ConvParams {
    bool transposed = false;
    int64_t batch = 1, in_channels = 1, out_channels = 1, groups = 1;
    dims in, out, kernel, stride, dilation, pad_begin, pad_end;  ///< spatial dims only, 1..3 of them
    bool has_bias = false;
    std::vector<EltwiseOp> pre_sum;   ///< applied to conv + bias
    bool has_sum = false;             ///< then z is added (binary post-op)
    std::vector<EltwiseOp> post_sum;  ///< applied after the sum
    /// Try oneDNN's Winograd algorithm first (F(2x3)/F(4x3): fewer multiplies, slightly larger
    /// rounding error); direct when it has no kernel for the shape, layout or epilogue, and when the
    /// output is too small for the weight transform's load cost to pay back (under 100 pixels).
    bool winograd = false;
};

/// How an activation tensor [N, C, H, W] is stored (graph::propagate_layouts picks one per graph).
enum class ActivationLayout {
    kPlain,         ///< NCHW
    kChannelsLast,  ///< NHWC
    kBlocked8,      ///< nChw8c: [N, ceil(C/8), H, W, 8], padding channels zero
    kBlocked16,     ///< nChw16c
};

enum class Layout {
    kPlain,  ///< the primitive reads and writes the plain buffers directly
    kAuto,   ///< the primitive uses oneDNN's preferred activation layout (reorders in run)
    kGiven,  ///< src and dst in the layouts passed to the constructor, read and written directly
};

/// The layout oneDNN's fastest f32 2-D direct convolutions read and write on this CPU (asked once).
ActivationLayout preferred_activation_layout();

/// Whether oneDNN has f32 Winograd convolutions on this CPU (they read and write nChw16c).
bool winograd_available();

/// A descriptor for an f32 tensor of logical `shape` (N, C, H, W; any rank when plain) in `layout`.
dnnl::memory::desc activation_desc(const dims& shape, ActivationLayout layout);

class Conv {
public:
    /// `constant_weights` (ONNX layout) may be null: weights then come with every run.
    /// Throws dnnl::error when oneDNN has no implementation (callers fall back to reference).
    Conv(const ConvParams& p, const float* constant_weights, Layout layout = Layout::kAuto,
         ActivationLayout src_layout = ActivationLayout::kPlain,
         ActivationLayout dst_layout = ActivationLayout::kPlain);

    std::size_t scratch_bytes() const { return scratch_bytes_; }
    /// y = conv(x, w) + bias. `w` is ignored when weights were constant; `bias` may be null when !has_bias.
    void run(const float* x, const float* w, const float* bias, float* y, std::span<std::byte> scratch) const {
        run(x, w, bias, nullptr, y, scratch);
    }
    /// The same with the fused epilogue; `z` is read when ConvParams::has_sum.
    void run(const float* x, const float* w, const float* bias, const float* z, float* y,
             std::span<std::byte> scratch) const;
    /// oneDNN's implementation name (e.g. "brgconv:avx512_core"), for benchmarks and logs.
    std::string impl_name() const;

private:
    dnnl::primitive_desc pd_;
    dnnl::primitive prim_;
    dnnl::memory::desc src_user_, dst_user_, weights_user_, bias_md_, sum_md_;
    int sum_post_op_index_ = -1;
    dnnl::memory::desc src_md_, dst_md_, weights_md_, scratchpad_md_;
    Reorder src_reorder_, dst_reorder_, weights_reorder_;
    PackedConstant constant_weights_;
    std::size_t scratchpad_offset_ = 0, src_offset_ = 0, dst_offset_ = 0, weights_offset_ = 0;
    std::size_t scratch_bytes_ = 0;
};

}  // namespace konnx::kernels::onednn
