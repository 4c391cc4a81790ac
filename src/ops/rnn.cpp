// SPDX-License-Identifier: MIT
// RNN (ONNX opsets 7, 14): a simple recurrent layer, Ht = f(Xt·Wi^T + Ht-1·Ri^T + Wbi + Rbi), f default Tanh.
// Directions forward/reverse/bidirectional, sequence_lens, initial_h, clip, activations with alpha/beta and
// layout (opset 14) are handled by the shared driver in ops/support/rnn.hpp. Keras SimpleRNN maps here.
// float32 with constant weights and Tanh, Relu or Sigmoid (no clip) runs the optimized path of
// ops/support/rnn_fast.hpp; the kernel below is the readable reference it is tested against.
#include "ops/support/rnn.hpp"
#include "core/dispatch.hpp"

namespace konnx::ops {
namespace {

RnnSpec spec_of(const NodeContext& ctx) { return parse_rnn(ctx, 1, {"Tanh"}, false); }

void infer(InferContext& ctx) { infer_rnn(ctx, spec_of(ctx)); }

/// The readable reference: the equation above, step by step, through the shared driver.
std::unique_ptr<Kernel> reference_kernel(const RnnSpec& spec, DType dtype) {
    return make_rnn_kernel(spec, dtype, [](const RnnSpec& s, const KernelRun& r) {
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T* R = r.in(2).data<T>();
            const int64_t H = s.hidden;
            const T clip = static_cast<T>(s.clip);
            run_rnn<T>(s, r, -1, [&](int64_t d, const T* xw, T* h, T*, T* work) {
                rnn_matvec(R + d * H * H, h, work, H, H);  // Ht-1·R^T
                for (int64_t j = 0; j < H; ++j)
                    work[j] += xw[j];
                s.act(d, 0).apply(work, H, clip);
                std::copy_n(work, H, h);
            });
        });
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const RnnSpec spec = spec_of(init);
    return with_fast_path(init, spec, RnnCellKind::kRnn, reference_kernel(spec, init.input_dtype(0)));
}

}  // namespace

void register_rnn(OpRegistry& registry) {
    registry.add({.name = "RNN", .since_version = 7, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
