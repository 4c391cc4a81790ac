// SPDX-License-Identifier: MIT
// The per-step float32 kernels of the optimized RNN / GRU / LSTM path (ops/support/rnn_fast.cpp).
// Per step the work is one small matrix-vector product with the recurrent weights R and a few vector
// nonlinearities, so both are written as plain loops the compiler vectorizes, built for AVX-512, AVX2 and
// baseline x86-64 and picked at load time (GCC target_clones). The X·W^T part of every step is one oneDNN
// matmul done by the caller.
//   * PackedRecurrent: R [rows, k] repacked once, at plan time, into blocks of kRecurrentBlock outputs,
//     [block][k][kRecurrentBlock] (zero-padded), so y = R·x is contiguous multiply-adds.
//   * The cell functions take the gate pre-activations xw = X_t·W^T + biases (ONNX gate order) and update
//     h (and c) in place with the default activations (sigmoid, tanh): exp by range reduction and a
//     degree-6 polynomial, within ~2 float ulps of std::exp.
#pragma once

#include <cstdint>
#include <vector>

namespace konnx::kernels {

inline constexpr int64_t kRecurrentBlock = 64;

class PackedRecurrent {
public:
    PackedRecurrent() = default;
    /// r is row-major [rows, k].
    PackedRecurrent(const float* r, int64_t rows, int64_t k);
    int64_t rows() const { return rows_; }
    /// rows() rounded up to whole blocks: the length of y in matvec.
    int64_t padded_rows() const { return blocks_ * kRecurrentBlock; }
    /// y[j] = sum_i R[j, i] x[i] for j < padded_rows() (padding rows give 0).
    void matvec(const float* x, float* y) const { matvec_blocks(x, y, 0, blocks_); }
    /// The same for the rows of blocks [first, first + count) only (y is still indexed by row).
    void matvec_blocks(const float* x, float* y, int64_t first, int64_t count) const;
    /// matvec for n vectors at once (x_r = x + r * x_stride into y + r * y_stride): R is read once per four
    /// vectors, which is what bounds a step (R stays in L2, not L1).
    void matvec_rows(const float* x, int64_t x_stride, float* y, int64_t y_stride, int64_t n) const;

private:
    std::vector<float> data_;
    int64_t rows_ = 0, k_ = 0, blocks_ = 0;
};

enum class RnnActivationKind { kTanh, kRelu, kSigmoid };

// The cells update n hidden units; gate g of unit j is at [g * stride + j] in xw and rh (stride = H when
// a thread owns a slice of the units, the pointers then offset to the slice's first unit).

/// LSTM, ONNX gates i o f c: xw and rh (= R·h) hold the pre-activations; peephole (i o f, stride apart)
/// or null. c is updated in place, h written to h_out.
void lstm_cell(const float* xw, const float* rh, const float* peephole, float* h_out, float* c, int64_t n,
               int64_t stride);
/// GRU with linear_before_reset: rh = R·h over z r h; rbh the recurrent candidate bias or null.
void gru_lbr_cell(const float* xw, const float* rh, const float* rbh, const float* h, float* h_out, int64_t n,
                  int64_t stride);
/// GRU without it, first half: z and r from xw and rzr = R[zr]·h (2H) into zr; writes r ⊙ h into rh_in.
void gru_reset(const float* xw, const float* rzr, const float* h, float* zr, float* rh_in, int64_t H);
/// Second half: h = (1 - z) ⊙ tanh(xw_h + R_h·(r ⊙ h)) + z ⊙ h, with rhh = R_h·(r ⊙ h).
void gru_update(const float* xw_h, const float* rhh, const float* z, float* h, int64_t H);
/// RNN: h_out = f(xw + rh).
void rnn_cell(const float* xw, const float* rh, RnnActivationKind f, float* h_out, int64_t n);

}  // namespace konnx::kernels
