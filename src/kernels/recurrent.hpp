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
    void matvec(const float* x, float* y) const;

private:
    std::vector<float> data_;
    int64_t rows_ = 0, k_ = 0, blocks_ = 0;
};

enum class RnnActivationKind { kTanh, kRelu, kSigmoid };

/// LSTM, ONNX gates i o f c: xw and rh (= R·h) hold 4H pre-activations; peephole [3H] (i o f) or null.
void lstm_cell(const float* xw, const float* rh, const float* peephole, float* h, float* c, int64_t H);
/// GRU with linear_before_reset: rh = R·h over z r h (3H); rbh the recurrent candidate bias or null.
void gru_lbr_cell(const float* xw, const float* rh, const float* rbh, float* h, int64_t H);
/// GRU without it, first half: z and r from xw and rzr = R[zr]·h (2H) into zr; writes r ⊙ h into rh_in.
void gru_reset(const float* xw, const float* rzr, const float* h, float* zr, float* rh_in, int64_t H);
/// Second half: h = (1 - z) ⊙ tanh(xw_h + R_h·(r ⊙ h)) + z ⊙ h, with rhh = R_h·(r ⊙ h).
void gru_update(const float* xw_h, const float* rhh, const float* z, float* h, int64_t H);
/// RNN: h = f(xw + rh).
void rnn_cell(const float* xw, const float* rh, RnnActivationKind f, float* h, int64_t H);

}  // namespace konnx::kernels
