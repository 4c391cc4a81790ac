// SPDX-License-Identifier: MIT
#include "kernels/dense.hpp"

#include <algorithm>
#include <cstring>

#include "core/parallel.hpp"

// One clone per ISA level, picked by the dynamic loader from the CPU at hand (as in recurrent.cpp; not in
// sanitizer builds, whose runtime is not up yet when the ifunc resolvers run).
#if defined(KONNX_SANITIZED)
#define KONNX_DENSE_CLONES
#else
#define KONNX_DENSE_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif

namespace konnx::kernels {
namespace {

constexpr int64_t kBlock = PackedDense::kBlock;
constexpr int64_t kMaxRows = PackedDense::kMaxRows;
constexpr int64_t kMaxSplit = 8;           // K chunks at most (partial sums live on the stack)
constexpr int64_t kMaxSplitOutputs = 256;  // padded N up to which K is split
constexpr int64_t kMinSplitLength = 1024;  // a K chunk shorter than this is not worth a thread

// kBlock floats in one vector (one zmm register on AVX-512; the compiler splits it on narrower ISAs).
// may_alias: it reads float arrays.
typedef float Block __attribute__((vector_size(kBlock * sizeof(float)), may_alias));

// out[r][0..kBlock) = sum over i < count of x[r * x_stride + i] * w[i][0..kBlock), for r < rows.
// `w` is 64-byte aligned (a packed block).
KONNX_DENSE_CLONES
void block_product(const float* w, const float* x, int64_t x_stride, int64_t rows, int64_t count, float* out) {
    const Block* wb = reinterpret_cast<const Block*>(w);
    if (rows == 1) {  // batch 1: two accumulators so consecutive multiply-adds do not wait on each other
        Block a0 = {}, a1 = {};
        int64_t i = 0;
        for (; i + 1 < count; i += 2) {
            a0 += wb[i] * x[i];
            a1 += wb[i + 1] * x[i + 1];
        }
        if (i < count) a0 += wb[i] * x[i];
        a0 += a1;
        std::memcpy(out, &a0, sizeof a0);
        return;
    }
    Block acc[kMaxRows] = {};
    for (int64_t i = 0; i < count; ++i) {
        const Block wv = wb[i];
        for (int64_t r = 0; r < rows; ++r)
            acc[r] += wv * x[r * x_stride + i];
    }
    for (int64_t r = 0; r < rows; ++r)
        std::memcpy(out + r * kBlock, &acc[r], sizeof acc[r]);
}

}  // namespace

PackedDense::PackedDense(const float* w, int64_t k, int64_t n, bool transposed, float scale)
    : k_(k), n_(n), blocks_((n + kBlock - 1) / kBlock) {
    packed_ = Tensor::zeros(DType::kFloat32, {blocks_, k, kBlock});
    float* p = packed_.data<float>();
    for (int64_t b = 0; b < blocks_; ++b) {
        const int64_t j0 = b * kBlock, width = std::min(kBlock, n - j0);
        float* dst = p + b * k * kBlock;
        for (int64_t i = 0; i < k; ++i)
            for (int64_t j = 0; j < width; ++j)
                dst[i * kBlock + j] = scale * (transposed ? w[(j0 + j) * k + i] : w[i * n + j0 + j]);
    }
}

void PackedDense::run(const float* x, int64_t rows, float* y) const {
    const float* w = packed_.data<float>();
    const int64_t threads = current_thread_count();
    const int64_t chunks = std::min({threads, kMaxSplit, k_ / kMinSplitLength});
    if (blocks_ >= 2 * threads || blocks_ * kBlock > kMaxSplitOutputs || chunks < 2) {
        // Enough blocks to share out: each thread streams whole blocks.
        parallel_for(blocks_, (blocks_ + threads - 1) / threads, [&](int64_t b0, int64_t b1) {
            float out[kMaxRows * kBlock];
            for (int64_t b = b0; b < b1; ++b) {
                block_product(w + b * k_ * kBlock, x, k_, rows, k_, out);
                const int64_t j0 = b * kBlock, width = std::min(kBlock, n_ - j0);
                for (int64_t r = 0; r < rows; ++r)
                    std::copy_n(out + r * kBlock, width, y + r * n_ + j0);
            }
        });
        return;
    }
    // Few outputs, long K (a wide flattened feature map into a few classes): each thread takes a K range of
    // every block, then the partial sums are added.
    alignas(64) float partial[kMaxSplit][kMaxRows * kMaxSplitOutputs];
    parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
        for (int64_t c = c0; c < c1; ++c) {
            const int64_t i0 = k_ * c / chunks, i1 = k_ * (c + 1) / chunks;
            for (int64_t b = 0; b < blocks_; ++b)
                block_product(w + (b * k_ + i0) * kBlock, x + i0, k_, rows, i1 - i0, partial[c] + b * rows * kBlock);
        }
    });
    for (int64_t b = 0; b < blocks_; ++b) {
        const int64_t j0 = b * kBlock, width = std::min(kBlock, n_ - j0);
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t j = 0; j < width; ++j) {
                float sum = 0;
                for (int64_t c = 0; c < chunks; ++c)
                    sum += partial[c][(b * rows + r) * kBlock + j];
                y[r * n_ + j0 + j] = sum;
            }
    }
}

}  // namespace konnx::kernels
