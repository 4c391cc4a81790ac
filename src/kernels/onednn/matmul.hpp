// SPDX-License-Identifier: MIT
// oneDNN matmul (ONNX MatMul / Gemm): y[batch..., M, N] = scale * (a[batch..., M, K] x b[batch..., K, N]) + bias.
// All tensors have one rank; batch dims of a and b broadcast (1 or equal). a and b may carry strides
// (a transposed operand is a stride swap). A constant b is reordered once into oneDNN's preferred
// layout; a constant bias is copied.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "kernels/onednn/common.hpp"

namespace konnx::kernels::onednn {

struct MatMulParams {
    dims a, b, y;               ///< shapes, same rank (2..12)
    dims a_strides, b_strides;  ///< element strides; empty = row-major
    dims bias;                  ///< empty = no bias; else same rank as y, each dim 1 or y's
    float scale = 1.0f;         ///< must be 1 when there is a bias
};

class MatMul {
public:
    /// Throws dnnl::error when oneDNN cannot do it (callers fall back to reference).
    MatMul(const MatMulParams& p, const float* constant_b, const float* constant_bias);
    std::size_t scratch_bytes() const { return scratch_bytes_; }
    /// `b` / `bias` are ignored when they were constant.
    void run(const float* a, const float* b, const float* bias, float* y, std::span<std::byte> scratch) const;

private:
    dnnl::primitive prim_;
    dnnl::memory::desc a_md_, b_md_, b_user_, bias_md_, y_md_, scratchpad_md_;
    PackedConstant constant_b_, constant_bias_;
    std::size_t scratch_bytes_ = 0;
    std::unique_ptr<ArgCache> args_;  // a, b, bias, y, scratchpad
};

}  // namespace konnx::kernels::onednn
