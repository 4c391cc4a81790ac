// SPDX-License-Identifier: MIT
// SoftmaxCrossEntropyLoss (ONNX opsets 12, 13): log_prob = LogSoftmax(scores, axis=1) (optional output 1),
// loss = NegativeLogLikelihoodLoss(log_prob, labels, weights) with reduction and ignore_index as described in
// ops/support/loss.hpp.
#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/support/loss.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    infer_loss_output(ctx, loss_spec(ctx));
    ctx.set_output(1, ctx.input_dtype(0), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([s = loss_spec(init)](const KernelRun& r) {
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            // log-sum-exp over the classes of every (n, d), shifted by the maximum.
            std::vector<double> lse(static_cast<std::size_t>(s.n * s.d));
            for (int64_t n = 0; n < s.n; ++n)
                for (int64_t d = 0; d < s.d; ++d) {
                    const T* base = x + n * s.c * s.d + d;
                    T m = -std::numeric_limits<T>::infinity();
                    for (int64_t c = 0; c < s.c; ++c)
                        m = std::max(m, base[c * s.d]);
                    double sum = 0;
                    for (int64_t c = 0; c < s.c; ++c)
                        sum += std::exp(static_cast<double>(base[c * s.d] - m));
                    lse[static_cast<std::size_t>(n * s.d + d)] = static_cast<double>(m) + std::log(sum);
                }
            auto logp = [&](int64_t n, int64_t c, int64_t d) {
                return static_cast<T>(static_cast<double>(x[(n * s.c + c) * s.d + d]) -
                                      lse[static_cast<std::size_t>(n * s.d + d)]);
            };
            compute_nll<T>(s, r.in(1), r.has_in(2) ? &r.in(2) : nullptr, r.out(0), logp);
            if (r.has_out(1)) {
                T* lp = r.out(1).data<T>();
                for (int64_t n = 0; n < s.n; ++n)
                    for (int64_t c = 0; c < s.c; ++c)
                        for (int64_t d = 0; d < s.d; ++d)
                            lp[(n * s.c + c) * s.d + d] = logp(n, c, d);
            }
        });
    });
}

}  // namespace

void register_softmax_cross_entropy_loss(OpRegistry& registry) {
    registry.add({.name = "SoftmaxCrossEntropyLoss", .since_version = 12, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
