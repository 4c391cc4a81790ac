// SPDX-License-Identifier: MIT
// GRU (ONNX opsets 7, 14). Gate blocks in W/R/B are ordered z, r, h; f defaults to Sigmoid, g to Tanh:
//   zt = f(Xt·Wz^T + Ht-1·Rz^T + Wbz + Rbz)
//   rt = f(Xt·Wr^T + Ht-1·Rr^T + Wbr + Rbr)
//   ht = g(Xt·Wh^T + (rt ⊙ Ht-1)·Rh^T + Rbh + Wbh)        linear_before_reset = 0
//   ht = g(Xt·Wh^T + rt ⊙ (Ht-1·Rh^T + Rbh) + Wbh)        linear_before_reset != 0 (PyTorch, Keras reset_after)
//   Ht = (1 - zt) ⊙ ht + zt ⊙ Ht-1
// Directions, sequence_lens, initial_h, clip, activations and layout (opset 14): ops/support/rnn.hpp.
// float32 with constant weights and default activations (no clip) runs the optimized path of
// ops/support/rnn_fast.hpp; the kernel below is the readable reference it is tested against.
#include "core/dispatch.hpp"
#include "ops/support/rnn.hpp"

namespace konnx::ops {
namespace {

RnnSpec spec_of(const NodeContext& ctx) { return parse_rnn(ctx, 3, {"Sigmoid", "Tanh"}, false); }

void infer(InferContext& ctx) { infer_rnn(ctx, spec_of(ctx)); }

/// The readable reference: the equations above, step by step, through the shared driver.
std::unique_ptr<Kernel> reference_kernel(const RnnSpec& spec, DType dtype, bool linear_before_reset) {
    return make_rnn_kernel(spec, dtype, [linear_before_reset](const RnnSpec& s, const KernelRun& r) {
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T* R = r.in(2).data<T>();
            const T* B = r.has_in(3) ? r.in(3).data<T>() : nullptr;
            const int64_t H = s.hidden;
            const T clip = static_cast<T>(s.clip);
            // With linear_before_reset, Rbh stays out of the precomputed X·W^T: it is scaled by rt.
            run_rnn<T>(s, r, linear_before_reset ? 2 : -1, [&](int64_t d, const T* xw, T* h, T*, T* work) {
                const T* Rd = R + d * 3 * H * H;
                T* z = work;
                T* rg = work + H;
                T* hh = work + 2 * H;
                T* tmp = work + 3 * H;
                rnn_matvec(Rd, h, z, 2 * H, H);  // z and r: Ht-1·R[zr]^T
                for (int64_t j = 0; j < 2 * H; ++j)
                    z[j] += xw[j];
                s.act(d, 0).apply(z, 2 * H, clip);
                if (linear_before_reset) {
                    rnn_matvec(Rd + 2 * H * H, h, hh, H, H);
                    const T* rbh = B ? B + d * 6 * H + 5 * H : nullptr;
                    for (int64_t j = 0; j < H; ++j)
                        hh[j] = xw[2 * H + j] + rg[j] * (hh[j] + (rbh ? rbh[j] : T(0)));
                } else {
                    for (int64_t j = 0; j < H; ++j)
                        tmp[j] = rg[j] * h[j];
                    rnn_matvec(Rd + 2 * H * H, tmp, hh, H, H);
                    for (int64_t j = 0; j < H; ++j)
                        hh[j] += xw[2 * H + j];
                }
                s.act(d, 1).apply(hh, H, clip);
                for (int64_t j = 0; j < H; ++j)
                    h[j] = (T(1) - z[j]) * hh[j] + z[j] * h[j];
            });
        });
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const bool linear_before_reset = init.attr_int("linear_before_reset", 0) != 0;
    const RnnSpec spec = spec_of(init);
    return with_fast_path(init, spec, linear_before_reset ? RnnCellKind::kLinearBeforeResetGru : RnnCellKind::kGru,
                          reference_kernel(spec, init.input_dtype(0), linear_before_reset));
}

}  // namespace

void register_gru(OpRegistry& registry) {
    registry.add({.name = "GRU", .since_version = 7, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
