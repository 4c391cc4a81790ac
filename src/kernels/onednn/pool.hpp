// SPDX-License-Identifier: MIT
// oneDNN pooling (ONNX MaxPool / AveragePool) over f32 NC[D]HW buffers: plain, or a 2-D tensor in a
// convolution region's layout (graph::propagate_layouts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "kernels/onednn/common.hpp"
#include "kernels/onednn/conv.hpp"

namespace konnx::kernels::onednn {

enum class PoolKind { kMax, kAverageIncludePad, kAverageExcludePad };

struct PoolParams {
    PoolKind kind = PoolKind::kMax;
    int64_t batch = 1, channels = 1;
    dims in, out, kernel, stride, dilation, pad_begin, pad_end;  ///< spatial dims only
    ActivationLayout layout = ActivationLayout::kPlain;          ///< of src and dst (non-plain: 2-D only)
};

class Pool {
public:
    /// Throws dnnl::error when oneDNN cannot do it (callers fall back to reference).
    explicit Pool(const PoolParams& p);
    std::size_t scratch_bytes() const { return scratch_bytes_; }
    void run(const float* x, float* y, std::span<std::byte> scratch) const;

private:
    dnnl::primitive prim_;
    dnnl::memory::desc src_md_, dst_md_, scratchpad_md_;
    std::size_t scratch_bytes_ = 0;
    std::unique_ptr<ArgCache> args_;  // src, dst, scratchpad
};

}  // namespace konnx::kernels::onednn
