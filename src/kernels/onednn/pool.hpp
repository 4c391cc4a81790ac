// SPDX-License-Identifier: MIT
// oneDNN pooling (ONNX MaxPool / AveragePool) over plain NC[D]HW f32 buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "kernels/onednn/common.hpp"

namespace konnx::kernels::onednn {

enum class PoolKind { kMax, kAverageIncludePad, kAverageExcludePad };

struct PoolParams {
    PoolKind kind = PoolKind::kMax;
    int64_t batch = 1, channels = 1;
    dims in, out, kernel, stride, dilation, pad_begin, pad_end;  ///< spatial dims only
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
