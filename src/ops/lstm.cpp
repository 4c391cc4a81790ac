// SPDX-License-Identifier: MIT
// LSTM (ONNX opsets 7, 14). Gate blocks in W/R/B are ordered i, o, f, c; peepholes P are i, o, f.
// f defaults to Sigmoid, g and h to Tanh:
//   it = f(Xt·Wi^T + Ht-1·Ri^T + Pi ⊙ Ct-1 + Wbi + Rbi)
//   ft = f(Xt·Wf^T + Ht-1·Rf^T + Pf ⊙ Ct-1 + Wbf + Rbf)     (ft = 1 - it with input_forget)
//   ct = g(Xt·Wc^T + Ht-1·Rc^T + Wbc + Rbc)
//   Ct = ft ⊙ Ct-1 + it ⊙ ct
//   ot = f(Xt·Wo^T + Ht-1·Ro^T + Po ⊙ Ct + Wbo + Rbo)
//   Ht = ot ⊙ h(Ct)
// clip bounds every activation's input (Ct included for h). Directions, sequence_lens, initial_h/initial_c,
// activations and layout (opset 14): ops/support/rnn.hpp. Keras LSTM maps here (with gate reordering).
// float32 with constant weights and default activations (no clip, no input_forget) runs the optimized path
// of ops/support/rnn_fast.hpp; the kernel below is the readable reference it is tested against.
#include "core/dispatch.hpp"
#include "ops/support/rnn.hpp"

namespace konnx::ops {
namespace {

RnnSpec spec_of(const NodeContext& ctx) { return parse_rnn(ctx, 4, {"Sigmoid", "Tanh", "Tanh"}, true); }

void infer(InferContext& ctx) { infer_rnn(ctx, spec_of(ctx)); }

/// The readable reference: the equations above, step by step, through the shared driver.
std::unique_ptr<Kernel> reference_kernel(const RnnSpec& spec, DType dtype, bool input_forget) {
    return make_rnn_kernel(spec, dtype, [input_forget](const RnnSpec& s, const KernelRun& r) {
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T* R = r.in(2).data<T>();
            const T* P = r.has_in(7) ? r.in(7).data<T>() : nullptr;
            const int64_t H = s.hidden;
            const T clip = static_cast<T>(s.clip);
            run_rnn<T>(s, r, -1, [&](int64_t d, const T* xw, T* h, T* c, T* work) {
                T* gi = work;
                T* go = work + H;
                T* gf = work + 2 * H;
                T* gc = work + 3 * H;
                T* hc = work + 4 * H;
                const T* pi = P ? P + d * 3 * H : nullptr;
                const T* po = P ? pi + H : nullptr;
                const T* pf = P ? pi + 2 * H : nullptr;
                const RnnActivation &f = s.act(d, 0), &g = s.act(d, 1), &ha = s.act(d, 2);
                rnn_matvec(R + d * 4 * H * H, h, work, 4 * H, H);  // Ht-1·R[iofc]^T
                for (int64_t j = 0; j < 4 * H; ++j)
                    work[j] += xw[j];
                if (P)
                    for (int64_t j = 0; j < H; ++j) {
                        gi[j] += pi[j] * c[j];
                        gf[j] += pf[j] * c[j];
                    }
                f.apply(gi, H, clip);
                if (input_forget)
                    for (int64_t j = 0; j < H; ++j)
                        gf[j] = T(1) - gi[j];
                else
                    f.apply(gf, H, clip);
                g.apply(gc, H, clip);
                for (int64_t j = 0; j < H; ++j)
                    c[j] = gf[j] * c[j] + gi[j] * gc[j];
                if (P)
                    for (int64_t j = 0; j < H; ++j)
                        go[j] += po[j] * c[j];
                f.apply(go, H, clip);
                std::copy_n(c, H, hc);
                ha.apply(hc, H, clip);
                for (int64_t j = 0; j < H; ++j)
                    h[j] = go[j] * hc[j];
            });
        });
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const bool input_forget = init.attr_int("input_forget", 0) != 0;
    const RnnSpec spec = spec_of(init);
    auto reference = reference_kernel(spec, init.input_dtype(0), input_forget);
    return input_forget ? std::move(reference) : with_fast_path(init, spec, RnnCellKind::kLstm, std::move(reference));
}

}  // namespace

void register_lstm(OpRegistry& registry) {
    registry.add({.name = "LSTM", .since_version = 7, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
