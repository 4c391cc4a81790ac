// SPDX-License-Identifier: MIT
// The optimized float32 path of RNN / GRU / LSTM (see rnn.hpp). Per direction, X·W^T + biases for every
// step is one oneDNN matmul (W reordered once, at plan time); then each (direction, batch row) runs its
// recurrence with R packed for a vectorized matrix-vector product fused with the gate nonlinearities
// (kernels/recurrent.hpp). Batch rows and directions are independent, so they share the threads; a single
// sequence instead splits its hidden units across the threads (run_split).
#include <algorithm>
#include <cmath>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "core/parallel.hpp"
#include "kernels/onednn/matmul.hpp"
#include "kernels/recurrent.hpp"
#include "ops/support/rnn.hpp"

namespace konnx::ops {
namespace {

namespace dnn = kernels::onednn;
using kernels::PackedRecurrent;

bool default_activations(const RnnSpec& s, RnnCellKind cell, kernels::RnnActivationKind& rnn_act) {
    auto all_are = [&](std::initializer_list<RnnActKind> kinds) {
        for (int64_t d = 0; d < s.dirs; ++d) {
            int64_t k = 0;
            for (RnnActKind kind : kinds)
                if (s.act(d, k++).kind != kind) return false;
        }
        return true;
    };
    switch (cell) {
        case RnnCellKind::kLstm: return all_are({RnnActKind::kSigmoid, RnnActKind::kTanh, RnnActKind::kTanh});
        case RnnCellKind::kGru:
        case RnnCellKind::kLinearBeforeResetGru: return all_are({RnnActKind::kSigmoid, RnnActKind::kTanh});
        case RnnCellKind::kRnn:
            if (all_are({RnnActKind::kTanh})) return rnn_act = kernels::RnnActivationKind::kTanh, true;
            if (all_are({RnnActKind::kRelu})) return rnn_act = kernels::RnnActivationKind::kRelu, true;
            if (all_are({RnnActKind::kSigmoid})) return rnn_act = kernels::RnnActivationKind::kSigmoid, true;
            return false;
    }
    return false;
}

/// What one direction needs: the input projection and the packed recurrent weights.
struct Direction {
    std::unique_ptr<dnn::MatMul> input;  ///< [S*N, I] x W^T + bias -> [S*N, G*H]
    PackedRecurrent recurrent;           ///< R (GRU without linear_before_reset: R[z r] only)
    PackedRecurrent candidate;           ///< GRU without linear_before_reset: R[h]
    std::vector<float> rbh;              ///< GRU with linear_before_reset: Rbh (scaled by the reset gate)
    std::vector<float> peephole;         ///< LSTM P [3H] (i o f), or empty
};

class FastRnnKernel final : public Kernel {
public:
    FastRnnKernel(const RnnSpec& s, RnnCellKind cell, kernels::RnnActivationKind rnn_act, const Tensor& W,
                  const Tensor& R, const Tensor* B, const Tensor* P, std::unique_ptr<Kernel>& reference)
        : s_(s), cell_(cell), rnn_act_(rnn_act) {
        const int64_t H = s.hidden, I = s.input, G = s.gates, gh = G * H, rows = s.seq * s.batch;
        const bool lbr = cell == RnnCellKind::kLinearBeforeResetGru;
        dnn::ScratchLayout layout;
        for (int64_t d = 0; d < s.dirs; ++d) {
            Direction dir;
            // Folded bias: Wb + Rb, but Rbh stays out with linear_before_reset.
            std::vector<float> bias(static_cast<std::size_t>(gh), 0.0f);
            if (B) {
                const float* b = B->data<float>() + d * 2 * gh;
                for (int64_t j = 0; j < gh; ++j)
                    bias[static_cast<std::size_t>(j)] = b[j] + (lbr && j >= 2 * H ? 0.0f : b[gh + j]);
                if (lbr) dir.rbh.assign(b + gh + 2 * H, b + gh + 3 * H);
            }
            dnn::MatMulParams mm;
            mm.a = {rows, I};
            mm.b = {I, gh};
            mm.b_strides = {1, I};  // W [G*H, I] read as its transpose
            mm.y = {rows, gh};
            mm.bias = {1, gh};
            dir.input = std::make_unique<dnn::MatMul>(mm, W.data<float>() + d * gh * I, bias.data());
            input_scratch_ = std::max(input_scratch_, dir.input->scratch_bytes());
            const float* r = R.data<float>() + d * gh * H;
            if (cell == RnnCellKind::kGru) {
                dir.recurrent = PackedRecurrent(r, 2 * H, H);
                dir.candidate = PackedRecurrent(r + 2 * H * H, H, H);
            } else {
                dir.recurrent = PackedRecurrent(r, gh, H);
            }
            if (P) dir.peephole.assign(P->data<float>() + d * 3 * H, P->data<float>() + (d + 1) * 3 * H);
            dirs_.push_back(std::move(dir));
        }
        // Scratch: the projections of all directions, per (direction, row) h, c and the products, then
        // the matmul's own scratchpad.
        const int64_t per_row = 3 * H + dirs_[0].recurrent.padded_rows() + dirs_[0].candidate.padded_rows();
        state_floats_ = per_row;
        xw_offset_ = layout.add(static_cast<std::size_t>(s.dirs * rows * gh) * sizeof(float));
        states_offset_ = layout.add(static_cast<std::size_t>(s.dirs * s.batch * per_row) * sizeof(float));
        matmul_offset_ = layout.add(input_scratch_);
        scratch_bytes_ = std::max(layout.total(), reference->scratch_bytes());
        reference_ = std::move(reference);  // last: when oneDNN throws above, the caller keeps it
    }

    void run(const KernelRun& r) const override {
        if (r.has_in(4) && !all_full_length(r.in(4))) return reference_->run(r);
        const RnnSpec& s = s_;
        const int64_t H = s.hidden, N = s.batch, S = s.seq, gh = s.gates * H;
        float* xw = reinterpret_cast<float*>(r.scratch.data() + xw_offset_);
        float* states = reinterpret_cast<float*>(r.scratch.data() + states_offset_);
        const std::span<std::byte> matmul_scratch = r.scratch.subspan(matmul_offset_, input_scratch_);
        // Row (t, b) of xw is X's row: t*N + b in layout 0, b*S + t in layout 1.
        for (int64_t d = 0; d < s.dirs; ++d)
            dirs_[static_cast<std::size_t>(d)].input->run(r.in(0).data<float>(), nullptr, nullptr, xw + d * S * N * gh,
                                                          matmul_scratch);

        auto state_at = [&](int64_t d, int64_t b) { return (s.layout == 0 ? d * N + b : b * s.dirs + d) * H; };
        auto y_at = [&](int64_t t, int64_t d, int64_t b) {
            return (s.layout == 0 ? (t * s.dirs + d) * N + b : (b * S + t) * s.dirs + d) * H;
        };
        auto xw_row = [&](int64_t t, int64_t b) { return s.layout == 0 ? t * N + b : b * S + t; };
        float* Y = r.has_out(0) ? r.out(0).data<float>() : nullptr;
        float* Yh = r.has_out(1) ? r.out(1).data<float>() : nullptr;
        float* Yc = s.lstm && r.has_out(2) ? r.out(2).data<float>() : nullptr;
        const float* h0 = r.has_in(5) ? r.in(5).data<float>() : nullptr;
        const float* c0 = s.lstm && r.has_in(6) ? r.in(6).data<float>() : nullptr;

        // One sequence (batch 1, one direction) and spare threads: split its hidden units between them.
        if (split_threads() > 1) {
            run_split(xw, states, h0, c0, Y, Yh, Yc, y_at);
            return;
        }
        // Tasks: (direction, chunk of batch rows), as many as there are threads. A chunk steps its rows
        // together, so R is read once per step for up to four rows (PackedRecurrent::matvec_rows).
        int64_t threads = 1;
#if defined(_OPENMP)
        if (!omp_in_parallel()) threads = omp_get_max_threads();
#endif
        const int64_t tasks_per_dir = std::clamp<int64_t>(threads / s.dirs, 1, N);
        const int64_t chunk = (N + tasks_per_dir - 1) / tasks_per_dir, chunks = (N + chunk - 1) / chunk;
        const int64_t stride = state_floats_;
        parallel_for(s.dirs * chunks, 1, [&](int64_t lo, int64_t hi) {
            for (int64_t task = lo; task < hi; ++task) {
                const int64_t d = task / chunks, b0 = (task % chunks) * chunk, rows = std::min(chunk, N - b0);
                const Direction& dir = dirs_[static_cast<std::size_t>(d)];
                // Row b's buffers, `stride` floats apart: h, c, tmp (GRU: r ⊙ h), R·h and (GRU) R_h·(r ⊙ h).
                float* h = states + (d * N + b0) * stride;
                float* c = h + H;
                float* tmp = c + H;
                float* rh = tmp + H;
                float* rh2 = rh + dir.recurrent.padded_rows();
                for (int64_t b = b0; b < b0 + rows; ++b)
                    for (int64_t j = 0; j < H; ++j) {
                        h[(b - b0) * stride + j] = h0 ? h0[state_at(d, b) + j] : 0.0f;
                        c[(b - b0) * stride + j] = c0 ? c0[state_at(d, b) + j] : 0.0f;
                    }
                for (int64_t k = 0; k < S; ++k) {
                    const int64_t t = s.reversed(d) ? S - 1 - k : k;
                    dir.recurrent.matvec_rows(h, stride, rh, stride, rows);
                    if (cell_ == RnnCellKind::kGru) {
                        for (int64_t r = 0; r < rows; ++r) {
                            const float* x = xw + (d * S * N + xw_row(t, b0 + r)) * gh;
                            const int64_t o = r * stride;
                            kernels::gru_reset(x, rh + o, h + o, rh + o, tmp + o, H);  // z overwrites R[z]·h
                        }
                        dir.candidate.matvec_rows(tmp, stride, rh2, stride, rows);
                    }
                    for (int64_t r = 0; r < rows; ++r) {
                        const float* x = xw + (d * S * N + xw_row(t, b0 + r)) * gh;
                        const int64_t o = r * stride;
                        switch (cell_) {
                            case RnnCellKind::kLstm:
                                kernels::lstm_cell(x, rh + o, dir.peephole.empty() ? nullptr : dir.peephole.data(),
                                                   h + o, c + o, H, H);
                                break;
                            case RnnCellKind::kLinearBeforeResetGru:
                                kernels::gru_lbr_cell(x, rh + o, dir.rbh.empty() ? nullptr : dir.rbh.data(), h + o,
                                                      h + o, H, H);
                                break;
                            case RnnCellKind::kGru: kernels::gru_update(x + 2 * H, rh2 + o, rh + o, h + o, H); break;
                            case RnnCellKind::kRnn: kernels::rnn_cell(x, rh + o, rnn_act_, h + o, H); break;
                        }
                        if (Y) std::copy_n(h + o, H, Y + y_at(t, d, b0 + r));
                    }
                }
                for (int64_t r = 0; r < rows; ++r) {
                    if (Yh) std::copy_n(h + r * stride, H, Yh + state_at(d, b0 + r));
                    if (Yc) std::copy_n(c + r * stride, H, Yc + state_at(d, b0 + r));
                }
            }
        });
    }
    std::size_t scratch_bytes() const override { return scratch_bytes_; }

private:
    /// Threads that share one sequence's steps: each owns whole blocks of hidden units (its rows of R stay
    /// in its core's cache), computes their gates and writes their part of the next h; one barrier per step.
    /// Only for a single sequence whose step is big enough (R·h of at least 2^20 multiply-adds, e.g.
    /// LSTM(512)): the Keras LSTM(128) benchmark (2^16 per step) ran 5x slower split over 2 threads than on
    /// one, on a shared 2-core machine where a per-step barrier waits for the other thread's timeslice
    /// (onnxruntime keeps such a step on one thread too). GRU without linear_before_reset would need a
    /// second barrier per step and stays on one thread.
    int split_threads() const {
        const int64_t step_macs = s_.gates * s_.hidden * s_.hidden;
        if (s_.dirs * s_.batch != 1 || cell_ == RnnCellKind::kGru || s_.hidden % kernels::kRecurrentBlock != 0 ||
            step_macs < (int64_t{1} << 20))
            return 1;
#if defined(_OPENMP)
        if (omp_in_parallel()) return 1;
        return static_cast<int>(std::min<int64_t>(omp_get_max_threads(), s_.hidden / kernels::kRecurrentBlock));
#else
        return 1;
#endif
    }

    template <class YAt>
    void run_split(const float* xw, float* states, const float* h0, const float* c0, float* Y, float* Yh, float* Yc,
                   YAt y_at) const {
        const RnnSpec& s = s_;
        const int64_t H = s.hidden, S = s.seq, gh = s.gates * H, unit_blocks = H / kernels::kRecurrentBlock;
        const Direction& dir = dirs_[0];
        float* h_buffers[2] = {states, states + H};  // h ping-pongs: threads read all of one, write the other
        float* c = states + 2 * H;
        float* rh = c + H;
        for (int64_t j = 0; j < H; ++j) {
            h_buffers[0][j] = h0 ? h0[j] : 0.0f;
            c[j] = c0 ? c0[j] : 0.0f;
        }
        const int threads = split_threads();
#pragma omp parallel num_threads(threads)
        {
            const int64_t p = omp_get_thread_num(), n_threads = omp_get_num_threads();
            const int64_t first = p * unit_blocks / n_threads, last = (p + 1) * unit_blocks / n_threads;
            const int64_t lo = first * kernels::kRecurrentBlock, n = (last - first) * kernels::kRecurrentBlock;
            for (int64_t k = 0; k < S; ++k) {
                const int64_t t = s.reversed(0) ? S - 1 - k : k;
                const float* h = h_buffers[k & 1];
                float* h_next = h_buffers[(k + 1) & 1];
                for (int64_t g = 0; g < s.gates; ++g)
                    dir.recurrent.matvec_blocks(h, rh, g * unit_blocks + first, last - first);
                const float* x = xw + t * gh + lo;  // batch 1: row t
                switch (cell_) {
                    case RnnCellKind::kLstm:
                        kernels::lstm_cell(x, rh + lo, dir.peephole.empty() ? nullptr : dir.peephole.data() + lo,
                                           h_next + lo, c + lo, n, H);
                        break;
                    case RnnCellKind::kLinearBeforeResetGru:
                        kernels::gru_lbr_cell(x, rh + lo, dir.rbh.empty() ? nullptr : dir.rbh.data() + lo, h + lo,
                                              h_next + lo, n, H);
                        break;
                    case RnnCellKind::kRnn: kernels::rnn_cell(x, rh + lo, rnn_act_, h_next + lo, n); break;
                    case RnnCellKind::kGru: break;  // not split (split_threads)
                }
                if (Y) std::copy_n(h_next + lo, n, Y + y_at(t, 0, 0) + lo);
#pragma omp barrier
            }
        }
        if (Yh) std::copy_n(h_buffers[S & 1], H, Yh);
        if (Yc) std::copy_n(c, H, Yc);
    }

    bool all_full_length(const Tensor& lens) const {
        for (int64_t b = 0; b < s_.batch; ++b) {
            const int64_t len = lens.dtype() == DType::kInt32 ? lens.data<int32_t>()[b] : lens.data<int64_t>()[b];
            if (len != s_.seq) return false;
        }
        return true;
    }

    RnnSpec s_;
    RnnCellKind cell_;
    kernels::RnnActivationKind rnn_act_;
    std::unique_ptr<Kernel> reference_;
    std::vector<Direction> dirs_;
    std::size_t input_scratch_ = 0, xw_offset_ = 0, states_offset_ = 0, matmul_offset_ = 0, scratch_bytes_ = 0;
    int64_t state_floats_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> with_fast_path(const KernelInit& init, const RnnSpec& s, RnnCellKind cell,
                                       std::unique_ptr<Kernel> reference) {
    if (!init.optimized() || init.input_dtype(0) != DType::kFloat32 || std::isfinite(s.clip) || s.seq == 0 ||
        s.batch == 0)
        return reference;
    const Tensor* W = init.input_value(1);
    const Tensor* R = init.input_value(2);
    const Tensor* B = init.input_value(3);
    const Tensor* P = s.lstm ? init.input_value(7) : nullptr;
    if (!W || !R || (init.has_input(3) && !B) || (s.lstm && init.has_input(7) && !P)) return reference;
    kernels::RnnActivationKind rnn_act = kernels::RnnActivationKind::kTanh;
    if (!default_activations(s, cell, rnn_act)) return reference;
    try {
        return std::make_unique<FastRnnKernel>(s, cell, rnn_act, *W, *R, B, P, reference);
    } catch (const dnnl::error&) {
        return reference;  // oneDNN has no matmul for this shape
    }
}

bool is_fast_rnn_kernel(const Kernel& kernel) { return dynamic_cast<const FastRnnKernel*>(&kernel) != nullptr; }

}  // namespace konnx::ops
