// SPDX-License-Identifier: MIT
// y = x·W for a constant weight matrix W (K x N) and only a few rows of x: a Dense layer or classifier at
// batch 1. Such a product reads every weight once for one multiply-add, so it is bound by memory
// bandwidth, and what matters is streaming W once, on every core. oneDNN 2.6's matmul does not for these
// shapes: it splits the work over N only, so a 100352 x 42 classifier (the seed's Keras ResNet50 head,
// 16.8 MB) runs on one core at ~1.8 ms cold, and a 1280 x 1000 one takes ~0.2 ms; this kernel streams
// them in ~0.5 ms and ~0.1 ms on two cores (bench/bench_dense.cpp).
//
// W is packed once, at plan time, into column blocks of kBlock outputs, [block][k][kBlock] (zero-padded),
// so each block is one contiguous stream of vector multiply-adds. Work is split over blocks, or over K
// with a final sum when there are too few blocks for the threads.
#pragma once

#include <cstddef>
#include <cstdint>

#include "konnx/tensor.hpp"

namespace konnx::kernels {

class PackedDense {
public:
    static constexpr int64_t kBlock = 16;   ///< outputs per block: one AVX-512 register of floats
    static constexpr int64_t kMaxRows = 4;  ///< rows of x per run (more: a real matrix product, use oneDNN)

    PackedDense() = default;
    /// `w` is row-major [k, n], or [n, k] when `transposed` (ONNX Gemm's transB); every weight is
    /// multiplied by `scale` (Gemm's alpha) while packing.
    PackedDense(const float* w, int64_t k, int64_t n, bool transposed, float scale = 1.0f);

    int64_t k() const { return k_; }
    int64_t n() const { return n_; }

    /// y[r, j] = sum_i x[r, i] W[i, j] for r < rows (1..kMaxRows); x is [rows, k] and y [rows, n],
    /// both row-major. Uses the calling thread's OpenMP thread count.
    void run(const float* x, int64_t rows, float* y) const;

private:
    Tensor packed_;  // [blocks, k, kBlock]
    int64_t k_ = 0, n_ = 0, blocks_ = 0;
};

}  // namespace konnx::kernels
