// SPDX-License-Identifier: MIT
// Shared machinery of the recurrent ops RNN, GRU and LSTM (ONNX opsets 7 to 14):
//   * attribute parsing and input validation (direction, hidden_size, clip, layout, activations with
//     activation_alpha/beta, which are consumed in order by the activations that take them);
//   * the shape function (Y, Y_h and, for LSTM, Y_c in layout 0 or 1);
//   * the driver: X·W^T (+ biases) for every timestep as one matrix product per direction, then for each
//     (direction, batch row) the recurrence over that row's sequence_lens steps, in reverse for the backward
//     direction. Outputs past a row's length are 0; Y_h/Y_c are the states after its last step (0 when the
//     length is 0, as onnxruntime does). The op supplies the per-step cell.
// Inputs: X 0, W 1, R 2, B 3, sequence_lens 4, initial_h 5 (LSTM: initial_c 6, P 7).
// W is [dirs, G*H, I], R [dirs, G*H, H], B [dirs, 2*G*H] (W biases then R biases), with G gate blocks.
// Layout 0: X [S, N, I], Y [S, dirs, N, H], Y_h [dirs, N, H]; layout 1: X [N, S, I], Y [N, S, dirs, H],
// Y_h [N, dirs, H].
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "core/strings.hpp"
#include "ops/support/op.hpp"
#include "ops/support/rnn_fast.hpp"

namespace konnx::ops {

enum class RnnActKind {
    kRelu,
    kTanh,
    kSigmoid,
    kAffine,
    kLeakyRelu,
    kThresholdedRelu,
    kScaledTanh,
    kHardSigmoid,
    kElu,
    kSoftsign,
    kSoftplus
};

/// One activation function of a recurrent cell, with its alpha/beta and the cell's clip threshold.
struct RnnActivation {
    RnnActKind kind = RnnActKind::kTanh;
    float alpha = 0, beta = 0;

    template <class T>
    T operator()(T x) const {
        switch (kind) {
            case RnnActKind::kRelu: return x > T(0) ? x : T(0);
            case RnnActKind::kTanh: return std::tanh(x);
            case RnnActKind::kSigmoid: return T(1) / (T(1) + std::exp(-x));
            case RnnActKind::kAffine: return T(alpha) * x + T(beta);
            case RnnActKind::kLeakyRelu: return x >= T(0) ? x : T(alpha) * x;
            case RnnActKind::kThresholdedRelu: return x > T(alpha) ? x : T(0);
            case RnnActKind::kScaledTanh: return T(alpha) * std::tanh(T(beta) * x);
            case RnnActKind::kHardSigmoid: return std::clamp(T(alpha) * x + T(beta), T(0), T(1));
            case RnnActKind::kElu: return x >= T(0) ? x : T(alpha) * (std::exp(x) - T(1));
            case RnnActKind::kSoftsign: return x / (T(1) + std::fabs(x));
            case RnnActKind::kSoftplus: return x > T(20) ? x : std::log1p(std::exp(x));
        }
        return x;
    }
    /// x[i] = f(clip(x[i])) for n elements.
    template <class T>
    void apply(T* x, int64_t n, T clip) const {
        for (int64_t i = 0; i < n; ++i)
            x[i] = (*this)(std::clamp(x[i], -clip, clip));
    }
};

/// Everything about one recurrent node that does not change between runs of a plan.
struct RnnSpec {
    int64_t gates = 1;  ///< G: 1 (RNN), 3 (GRU: z r h), 4 (LSTM: i o f c)
    int64_t seq = 0, batch = 0, input = 0, hidden = 0, dirs = 1;
    bool reverse_first = false;  ///< direction == "reverse" (a bidirectional node's second direction is reverse)
    int64_t layout = 0;
    float clip = std::numeric_limits<float>::infinity();
    int64_t acts_per_dir = 1;
    std::vector<RnnActivation> acts;  ///< dirs * acts_per_dir
    bool lstm = false;

    bool reversed(int64_t d) const { return d == 1 || reverse_first; }
    const RnnActivation& act(int64_t d, int64_t k) const {
        return acts[static_cast<std::size_t>(d * acts_per_dir + k)];
    }
};

/// Parses attributes and validates every input's shape and type. `default_acts` are one direction's
/// activations; activation_alpha/beta are consumed in order by the activations that take them, the others
/// getting the defaults of the corresponding ONNX operators.
RnnSpec parse_rnn(const NodeContext& ctx, int64_t gates, const std::vector<std::string>& default_acts, bool lstm);

/// Y, Y_h and (LSTM) Y_c in the node's layout.
void infer_rnn(InferContext& ctx, const RnnSpec& spec);

/// y[j] = dot(a[j, :], x) for j < rows; a is row-major [rows, k]. The recurrent products of the cells and
/// X·W^T. Split over threads when not already inside a parallel region (a single sequence, as in batch-1
/// Keras inference, then still uses every core).
template <class T>
void rnn_matvec(const T* a, const T* x, T* y, int64_t rows, int64_t k) {
    auto rows_of = [&](int64_t lo, int64_t hi) {
        for (int64_t j = lo; j < hi; ++j) {
            const T* row = a + j * k;
            T sum = 0;
#pragma omp simd reduction(+ : sum)
            for (int64_t i = 0; i < k; ++i)
                sum += row[i] * x[i];
            y[j] = sum;
        }
    };
#if defined(_OPENMP)
    // Chunks of at least 2^18 multiply-adds: a parallel region per timestep only pays for big layers.
    if (!omp_in_parallel())
        return parallel_for(rows, std::max<int64_t>(1, (1 << 18) / std::max<int64_t>(k, 1)), rows_of);
#endif
    rows_of(0, rows);
}

/// Scratch the driver needs, in elements of T: X·W^T for all steps and directions, then per (direction,
/// batch row) h, c and a work area of 2*G*H for the cell.
inline int64_t rnn_scratch_elems(const RnnSpec& s) {
    const int64_t gh = s.gates * s.hidden;
    const int64_t xw = checked_numel(Shape{s.dirs, s.seq, s.batch, gh});
    const int64_t states = checked_numel(Shape{s.dirs, s.batch, 2 * s.hidden + 2 * gh});
    return checked_numel(Shape{xw + states});
}

/// The recurrence. cell(d, xw, h, c, work) advances one step of one batch row in place: xw holds G*H values
/// X_t·W^T + Wb + Rb (Rb omitted for gate block `rb_unfolded_gate`, e.g. GRU's h with linear_before_reset),
/// h and c (LSTM only, else unused) are the row's states, work has 2*G*H elements.
template <class T, class Cell>
void run_rnn(const RnnSpec& s, const KernelRun& r, int64_t rb_unfolded_gate, Cell cell) {
    const int64_t H = s.hidden, N = s.batch, S = s.seq, gh = s.gates * H;
    T* xw = reinterpret_cast<T*>(r.scratch.data());
    T* states = xw + s.dirs * S * N * gh;  // per (d, b): h[H], c[H], work[2*gh]
    const int64_t state_stride = 2 * H + 2 * gh;
    const T* X = r.in(0).data<T>();
    const T* W = r.in(1).data<T>();
    const T* B = r.has_in(3) ? r.in(3).data<T>() : nullptr;

    // X_t·W^T + biases for every step, one product per direction. Row (t, b) is stored at t*N + b.
    for (int64_t d = 0; d < s.dirs; ++d) {
        const T* Wd = W + d * gh * s.input;
        std::vector<T> bias(static_cast<std::size_t>(gh), T(0));
        if (B)
            for (int64_t j = 0; j < gh; ++j)
                bias[static_cast<std::size_t>(j)] =
                    B[d * 2 * gh + j] + (j / H == rb_unfolded_gate ? T(0) : B[d * 2 * gh + gh + j]);
        parallel_for(S * N, std::max<int64_t>(1, 4096 / std::max<int64_t>(gh * s.input, 1)),
                     [&](int64_t lo, int64_t hi) {
                         for (int64_t row = lo; row < hi; ++row) {
                             const int64_t t = row / N, b = row % N;
                             const T* xrow = X + (s.layout == 0 ? t * N + b : b * S + t) * s.input;
                             T* out = xw + (d * S * N + row) * gh;
                             rnn_matvec(Wd, xrow, out, gh, s.input);
                             for (int64_t j = 0; j < gh; ++j)
                                 out[j] += bias[static_cast<std::size_t>(j)];
                         }
                     });
    }

    // Where state (d, b) lives in initial_h / Y_h / Y_c, and step t of it in Y.
    auto state_at = [&](int64_t d, int64_t b) { return (s.layout == 0 ? d * N + b : b * s.dirs + d) * H; };
    auto y_at = [&](int64_t t, int64_t d, int64_t b) {
        return (s.layout == 0 ? (t * s.dirs + d) * N + b : (b * S + t) * s.dirs + d) * H;
    };
    T* Y = r.has_out(0) ? r.out(0).data<T>() : nullptr;
    T* Yh = r.has_out(1) ? r.out(1).data<T>() : nullptr;
    T* Yc = s.lstm && r.has_out(2) ? r.out(2).data<T>() : nullptr;
    const Tensor* lens = r.has_in(4) ? &r.in(4) : nullptr;
    const T* h0 = r.has_in(5) ? r.in(5).data<T>() : nullptr;
    const T* c0 = s.lstm && r.has_in(6) ? r.in(6).data<T>() : nullptr;

    std::vector<int64_t> length(static_cast<std::size_t>(N), S);
    for (int64_t b = 0; lens && b < N; ++b) {
        const int64_t len = lens->dtype() == DType::kInt32 ? lens->data<int32_t>()[b] : lens->data<int64_t>()[b];
        if (len < 0 || len > S)
            fail(ErrorCode::kInvalidArgument, "sequence_lens[", b, "] = ", len, " is outside [0, ", S, "]");
        length[static_cast<std::size_t>(b)] = len;
    }
    parallel_for(s.dirs * N, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t db = lo; db < hi; ++db) {
            const int64_t d = db / N, b = db % N;
            const int64_t len = length[static_cast<std::size_t>(b)];
            T* h = states + db * state_stride;
            T* c = h + H;
            T* work = c + H;
            for (int64_t j = 0; j < H; ++j) {
                h[j] = h0 ? h0[state_at(d, b) + j] : T(0);
                c[j] = c0 ? c0[state_at(d, b) + j] : T(0);
            }
            for (int64_t k = 0; k < len; ++k) {
                const int64_t t = s.reversed(d) ? len - 1 - k : k;
                cell(d, xw + (d * S * N + t * N + b) * gh, h, c, work);
                if (Y) std::copy_n(h, H, Y + y_at(t, d, b));
            }
            if (Y)
                for (int64_t t = len; t < S; ++t)
                    std::fill_n(Y + y_at(t, d, b), H, T(0));
            if (Yh) std::copy_n(h, H, Yh + state_at(d, b));
            if (Yc) std::copy_n(c, H, Yc + state_at(d, b));
            if (len == 0) {
                if (Yh) std::fill_n(Yh + state_at(d, b), H, T(0));
                if (Yc) std::fill_n(Yc + state_at(d, b), H, T(0));
            }
        }
    });
}

/// The Kernel of a recurrent op: holds the spec and asks for the driver's scratch.
template <class Run>
class RnnKernel final : public Kernel {
public:
    RnnKernel(RnnSpec spec, DType dtype, Run run) : spec_(std::move(spec)), dtype_(dtype), run_(std::move(run)) {}
    void run(const KernelRun& r) const override { run_(spec_, r); }
    std::size_t scratch_bytes() const override {
        return static_cast<std::size_t>(rnn_scratch_elems(spec_)) * dtype_size(dtype_);
    }

private:
    RnnSpec spec_;
    DType dtype_;
    Run run_;
};

template <class Run>
std::unique_ptr<Kernel> make_rnn_kernel(RnnSpec spec, DType dtype, Run run) {
    return std::make_unique<RnnKernel<Run>>(std::move(spec), dtype, std::move(run));
}

}  // namespace konnx::ops
