// SPDX-License-Identifier: MIT
// Adagrad (ai.onnx.preview.training opset 1): one Adagrad step on n weight tensors at once.
// Inputs R, T, X1..Xn, G1..Gn, H1..Hn; outputs X1_new..Xn_new, H1_new..Hn_new. Per element, as ONNX specifies:
//   r = R / (1 + T * decay_factor);  g = norm_coefficient * X + G;  H_new = H + g * g;
//   X_new = X - r * g / (sqrt(H_new) + epsilon)
// Computed in double, rounded once to the tensors' type.
#include <cmath>

#include "ops/support/training_optimizer.hpp"

namespace konnx::ops {
namespace {

constexpr int64_t kLists = 3;  // X, G, H

void infer(InferContext& ctx) { training::infer_optimizer(ctx, kLists); }

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const double decay = init.attr_float("decay_factor", 0.0f), epsilon = init.attr_float("epsilon", 1e-6f),
                 norm = init.attr_float("norm_coefficient", 0.0f);
    const int64_t n = training::group_size(init, kLists);
    return make_kernel([=](const KernelRun& r) {
        const double rate =
            training::learning_rate(r) / (1.0 + static_cast<double>(r.in(1).data<int64_t>()[0]) * decay);
        for (int64_t j = 0; j < n; ++j) {
            const Tensor &x = r.in(2 + j), &g = r.in(2 + n + j), &h = r.in(2 + 2 * n + j);
            dispatch<float, double>(x.dtype(), [&]<class T>() {
                T* x_new = r.out(j).data<T>();
                T* h_new = r.out(n + j).data<T>();
                for (int64_t i = 0; i < x.numel(); ++i) {
                    const double xi = x.data<T>()[i], gi = norm * xi + g.data<T>()[i];
                    const double hi = h.data<T>()[i] + gi * gi;
                    h_new[i] = static_cast<T>(hi);
                    x_new[i] = static_cast<T>(xi - rate * gi / (std::sqrt(hi) + epsilon));
                }
            });
        }
    });
}

}  // namespace

void register_adagrad(OpRegistry& registry) {
    registry.add({.name = "Adagrad",
                  .domain = "ai.onnx.preview.training",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make});
}

}  // namespace konnx::ops
