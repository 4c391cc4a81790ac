// SPDX-License-Identifier: MIT
// NegativeLogLikelihoodLoss (ONNX opsets 12, 13): input [N, C, d...] holds log-probabilities, target
// [N, d...] class indices, optional weight [C]; reduction none/sum/mean and ignore_index as described in
// ops/support/loss.hpp. A target outside [0, C) that is not ignore_index is a run-time error.
#include "ops/support/loss.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) { infer_loss_output(ctx, loss_spec(ctx)); }

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([s = loss_spec(init)](const KernelRun& r) {
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            compute_nll<T>(s, r.in(1), r.has_in(2) ? &r.in(2) : nullptr, r.out(0),
                           [&](int64_t n, int64_t c, int64_t d) { return x[(n * s.c + c) * s.d + d]; });
        });
    });
}

}  // namespace

void register_negative_log_likelihood_loss(OpRegistry& registry) {
    registry.add({.name = "NegativeLogLikelihoodLoss", .since_version = 12, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
