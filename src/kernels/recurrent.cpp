// SPDX-License-Identifier: MIT
// Built with finite-math-only / no-signed-zeros so that the clamps in exp_approx become vector min/max
// (GCC keeps float ternaries as branches otherwise); nothing here relies on NaN or -0 semantics beyond
// what the callers' tests check against the reference kernel.
#pragma GCC optimize("finite-math-only", "no-signed-zeros", "fp-contract=fast")

#include "kernels/recurrent.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

// One clone per ISA level, chosen by the dynamic loader (ifunc) from the CPU at hand. Not in sanitizer
// builds: the ifunc resolvers run during relocation, before the sanitizer runtime is initialized, and
// their instrumentation crashes there (TSan: SIGSEGV in __tsan_func_entry).
#if defined(KONNX_SANITIZED)
#define KONNX_VECTOR_CLONES
#else
#define KONNX_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif

namespace konnx::kernels {
namespace {

// e^x for x in [-87, 88] (clamped outside): x = n·ln2 + r, |r| <= ln2/2, e^r by Taylor to degree 6
// (relative error < 2e-7), 2^n by building the float's exponent bits; floor(x·log2e + 0.5) truncates a
// positive number (x·log2e > -126). Macros (GNU statement expressions), not inline functions: GCC 12 does
// not vectorize loops in target_clones functions once a default-target helper is inlined into them.
#define KONNX_EXP_APPROX(value)                                                            \
    ({                                                                                     \
        float x_ = (value);                                                                \
        x_ = x_ < -87.0f ? -87.0f : x_;                                                    \
        x_ = x_ > 88.0f ? 88.0f : x_;                                                      \
        const int32_t n_ = static_cast<int32_t>(x_ * 1.44269504088896341f + 128.5f) - 128; \
        const float nf_ = static_cast<float>(n_);                                          \
        const float r_ = (x_ - nf_ * 0.693145751953125f) - nf_ * 1.428606765330187e-06f;   \
        float p_ = 1.0f / 720.0f;                                                          \
        p_ = p_ * r_ + 1.0f / 120.0f;                                                      \
        p_ = p_ * r_ + 1.0f / 24.0f;                                                       \
        p_ = p_ * r_ + 1.0f / 6.0f;                                                        \
        p_ = p_ * r_ + 0.5f;                                                               \
        p_ = p_ * r_ + 1.0f;                                                               \
        p_ = p_ * r_ + 1.0f;                                                               \
        p_* std::bit_cast<float>((n_ + 127) << 23);                                        \
    })
#define KONNX_SIGMOID(value) (1.0f / (1.0f + KONNX_EXP_APPROX(-(value))))
#define KONNX_TANH(value) (2.0f / (1.0f + KONNX_EXP_APPROX(-2.0f * (value))) - 1.0f)

// A block of 16 outputs as one GCC generic vector (not an ISA intrinsic: each clone lowers it to one zmm,
// two ymm or four xmm registers). Plain arrays would not do: GCC keeps a float[64] accumulator in memory,
// a load and a store around every multiply-add, which made the product 4x slower.
using Lanes = float __attribute__((vector_size(64)));
constexpr int64_t kLanes = 16;
static_assert(kRecurrentBlock == 4 * kLanes);

KONNX_VECTOR_CLONES
void matvec_blocks(const float* packed, int64_t blocks, int64_t k, const float* x, float* y) {
    for (int64_t b = 0; b < blocks; ++b) {
        Lanes acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};  // four independent multiply-add chains
        const float* row = packed + b * k * kRecurrentBlock;
        for (int64_t i = 0; i < k; ++i, row += kRecurrentBlock) {
            Lanes w0, w1, w2, w3;  // memcpy: unaligned vector loads
            std::memcpy(&w0, row, sizeof w0);
            std::memcpy(&w1, row + kLanes, sizeof w1);
            std::memcpy(&w2, row + 2 * kLanes, sizeof w2);
            std::memcpy(&w3, row + 3 * kLanes, sizeof w3);
            const float xi = x[i];
            acc0 += xi * w0;
            acc1 += xi * w1;
            acc2 += xi * w2;
            acc3 += xi * w3;
        }
        float* out = y + b * kRecurrentBlock;
        std::memcpy(out, &acc0, sizeof acc0);
        std::memcpy(out + kLanes, &acc1, sizeof acc1);
        std::memcpy(out + 2 * kLanes, &acc2, sizeof acc2);
        std::memcpy(out + 3 * kLanes, &acc3, sizeof acc3);
    }
}

// Four vectors at once: 16 accumulators (one AVX-512 register each) and 4 loads of R per k.
KONNX_VECTOR_CLONES
void matvec4_blocks(const float* packed, int64_t blocks, int64_t k, const float* x, int64_t x_stride, float* y,
                    int64_t y_stride) {
    const float *x0 = x, *x1 = x + x_stride, *x2 = x + 2 * x_stride, *x3 = x + 3 * x_stride;
    for (int64_t b = 0; b < blocks; ++b) {
        Lanes a00 = {}, a01 = {}, a02 = {}, a03 = {}, a10 = {}, a11 = {}, a12 = {}, a13 = {};
        Lanes a20 = {}, a21 = {}, a22 = {}, a23 = {}, a30 = {}, a31 = {}, a32 = {}, a33 = {};
        const float* row = packed + b * k * kRecurrentBlock;
        for (int64_t i = 0; i < k; ++i, row += kRecurrentBlock) {
            Lanes w0, w1, w2, w3;
            std::memcpy(&w0, row, sizeof w0);
            std::memcpy(&w1, row + kLanes, sizeof w1);
            std::memcpy(&w2, row + 2 * kLanes, sizeof w2);
            std::memcpy(&w3, row + 3 * kLanes, sizeof w3);
            const float s0 = x0[i], s1 = x1[i], s2 = x2[i], s3 = x3[i];
            a00 += s0 * w0, a01 += s0 * w1, a02 += s0 * w2, a03 += s0 * w3;
            a10 += s1 * w0, a11 += s1 * w1, a12 += s1 * w2, a13 += s1 * w3;
            a20 += s2 * w0, a21 += s2 * w1, a22 += s2 * w2, a23 += s2 * w3;
            a30 += s3 * w0, a31 += s3 * w1, a32 += s3 * w2, a33 += s3 * w3;
        }
        const Lanes* results[4][4] = {
            {&a00, &a01, &a02, &a03}, {&a10, &a11, &a12, &a13}, {&a20, &a21, &a22, &a23}, {&a30, &a31, &a32, &a33}};
        for (int64_t r = 0; r < 4; ++r)
            for (int64_t q = 0; q < 4; ++q)
                std::memcpy(y + r * y_stride + b * kRecurrentBlock + q * kLanes, results[r][q], sizeof(Lanes));
    }
}

}  // namespace

PackedRecurrent::PackedRecurrent(const float* r, int64_t rows, int64_t k)
    : rows_(rows), k_(k), blocks_((rows + kRecurrentBlock - 1) / kRecurrentBlock) {
    data_.assign(static_cast<std::size_t>(blocks_ * k * kRecurrentBlock), 0.0f);
    for (int64_t j = 0; j < rows; ++j)
        for (int64_t i = 0; i < k; ++i)
            data_[static_cast<std::size_t>(((j / kRecurrentBlock) * k + i) * kRecurrentBlock + j % kRecurrentBlock)] =
                r[j * k + i];
}

void PackedRecurrent::matvec_rows(const float* x, int64_t x_stride, float* y, int64_t y_stride, int64_t n) const {
    int64_t r = 0;
    for (; r + 4 <= n; r += 4)
        matvec4_blocks(data_.data(), blocks_, k_, x + r * x_stride, x_stride, y + r * y_stride, y_stride);
    for (; r < n; ++r)
        matvec(x + r * x_stride, y + r * y_stride);
}

void PackedRecurrent::matvec_blocks(const float* x, float* y, int64_t first, int64_t count) const {
    konnx::kernels::matvec_blocks(data_.data() + first * k_ * kRecurrentBlock, count, k_, x,
                                  y + first * kRecurrentBlock);
}

KONNX_VECTOR_CLONES
void lstm_cell(const float* xw, const float* rh, const float* peephole, float* h_out, float* c, int64_t n,
               int64_t stride) {
    const int64_t H = stride;
    if (peephole) {
        const float *pi = peephole, *po = peephole + H, *pf = peephole + 2 * H;
#pragma omp simd
        for (int64_t j = 0; j < n; ++j) {
            const float i = KONNX_SIGMOID(xw[j] + rh[j] + pi[j] * c[j]);
            const float f = KONNX_SIGMOID(xw[2 * H + j] + rh[2 * H + j] + pf[j] * c[j]);
            const float g = KONNX_TANH(xw[3 * H + j] + rh[3 * H + j]);
            const float ct = f * c[j] + i * g;
            const float o = KONNX_SIGMOID(xw[H + j] + rh[H + j] + po[j] * ct);
            c[j] = ct;
            h_out[j] = o * KONNX_TANH(ct);
        }
        return;
    }
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) {
        const float i = KONNX_SIGMOID(xw[j] + rh[j]);
        const float o = KONNX_SIGMOID(xw[H + j] + rh[H + j]);
        const float f = KONNX_SIGMOID(xw[2 * H + j] + rh[2 * H + j]);
        const float g = KONNX_TANH(xw[3 * H + j] + rh[3 * H + j]);
        const float ct = f * c[j] + i * g;
        c[j] = ct;
        h_out[j] = o * KONNX_TANH(ct);
    }
}

KONNX_VECTOR_CLONES
void gru_lbr_cell(const float* xw, const float* rh, const float* rbh, const float* h, float* h_out, int64_t n,
                  int64_t stride) {
    const int64_t H = stride;
    if (!rbh) {
#pragma omp simd
        for (int64_t j = 0; j < n; ++j) {
            const float z = KONNX_SIGMOID(xw[j] + rh[j]);
            const float r = KONNX_SIGMOID(xw[H + j] + rh[H + j]);
            const float hh = KONNX_TANH(xw[2 * H + j] + r * rh[2 * H + j]);
            h_out[j] = (1.0f - z) * hh + z * h[j];
        }
        return;
    }
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) {
        const float z = KONNX_SIGMOID(xw[j] + rh[j]);
        const float r = KONNX_SIGMOID(xw[H + j] + rh[H + j]);
        const float hh = KONNX_TANH(xw[2 * H + j] + r * (rh[2 * H + j] + rbh[j]));
        h_out[j] = (1.0f - z) * hh + z * h[j];
    }
}

KONNX_VECTOR_CLONES
void gru_reset(const float* xw, const float* rzr, const float* h, float* zr, float* rh_in, int64_t H) {
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) {
        zr[j] = KONNX_SIGMOID(xw[j] + rzr[j]);
        const float r = KONNX_SIGMOID(xw[H + j] + rzr[H + j]);
        rh_in[j] = r * h[j];
    }
}

KONNX_VECTOR_CLONES
void gru_update(const float* xw_h, const float* rhh, const float* z, float* h, int64_t H) {
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) {
        const float hh = KONNX_TANH(xw_h[j] + rhh[j]);
        h[j] = (1.0f - z[j]) * hh + z[j] * h[j];
    }
}

KONNX_VECTOR_CLONES
void rnn_cell(const float* xw, const float* rh, RnnActivationKind f, float* h_out, int64_t n) {
    switch (f) {
        case RnnActivationKind::kTanh:
#pragma omp simd
            for (int64_t j = 0; j < n; ++j)
                h_out[j] = KONNX_TANH(xw[j] + rh[j]);
            break;
        case RnnActivationKind::kSigmoid:
#pragma omp simd
            for (int64_t j = 0; j < n; ++j)
                h_out[j] = KONNX_SIGMOID(xw[j] + rh[j]);
            break;
        case RnnActivationKind::kRelu:
#pragma omp simd
            for (int64_t j = 0; j < n; ++j) {
                const float v = xw[j] + rh[j];
                h_out[j] = v > 0.0f ? v : 0.0f;
            }
            break;
    }
}

#undef KONNX_SIGMOID
#undef KONNX_TANH
#undef KONNX_EXP_APPROX

}  // namespace konnx::kernels
