// SPDX-License-Identifier: MIT
// oneDNN convolution and deconvolution (ONNX Conv / ConvTranspose) over plain NC[D]HW buffers.
//
// Weights are given in ONNX layout ([M, C/g, k...] for Conv, [C, M/g, k...] for ConvTranspose).
// oneDNN picks the weights' layout (format_tag::any); constant weights are reordered once here,
// runtime weights on every run into the scratch buffer. With Layout::kAuto oneDNN also picks the
// activations' layout and run() reorders in and out through scratch (a large win for wide convs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "kernels/onednn/common.hpp"

namespace konnx::kernels::onednn {

struct ConvParams {
    bool transposed = false;
    int64_t batch = 1, in_channels = 1, out_channels = 1, groups = 1;
    dims in, out, kernel, stride, dilation, pad_begin, pad_end;  ///< spatial dims only, 1..3 of them
    bool has_bias = false;
};

enum class Layout {
    kPlain,  ///< the primitive reads and writes the plain buffers directly
    kAuto,   ///< the primitive uses oneDNN's preferred activation layout (reorders in run)
};

class Conv {
public:
    /// `constant_weights` (ONNX layout) may be null: weights then come with every run.
    /// Throws dnnl::error when oneDNN has no implementation (callers fall back to reference).
    Conv(const ConvParams& p, const float* constant_weights, Layout layout = Layout::kAuto);

    std::size_t scratch_bytes() const { return scratch_bytes_; }
    /// y = conv(x, w) + bias. `w` is ignored when weights were constant; `bias` may be null when !has_bias.
    void run(const float* x, const float* w, const float* bias, float* y, std::span<std::byte> scratch) const;
    /// oneDNN's implementation name (e.g. "brgconv:avx512_core"), for benchmarks and logs.
    std::string impl_name() const;

private:
    dnnl::primitive_desc pd_;
    dnnl::primitive prim_;
    dnnl::memory::desc src_user_, dst_user_, weights_user_, bias_md_;
    dnnl::memory::desc src_md_, dst_md_, weights_md_, scratchpad_md_;
    Reorder src_reorder_, dst_reorder_, weights_reorder_;
    dnnl::memory constant_weights_;
    std::size_t scratchpad_offset_ = 0, src_offset_ = 0, dst_offset_ = 0, weights_offset_ = 0;
    std::size_t scratch_bytes_ = 0;
};

}  // namespace konnx::kernels::onednn
