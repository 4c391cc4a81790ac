// SPDX-License-Identifier: MIT
// Adam (ai.onnx.preview.training opset 1): one Adam step on n weight tensors at once.
// Inputs R, T, X1..Xn, G1..Gn, V1..Vn, H1..Hn; outputs X_new, V_new, H_new groups. Per element, as ONNX specifies:
//   g = norm_coefficient * X + G;  V_new = alpha * V + (1 - alpha) * g;  H_new = beta * H + (1 - beta) * g * g;
//   r = T > 0 ? R * sqrt(1 - beta^T) / (1 - alpha^T) : R;
//   X_new = (1 - norm_coefficient_post) * (X - r * V_new / (sqrt(H_new) + epsilon))
// Computed in double, rounded once to the tensors' type.
#include <cmath>

#include "ops/support/training_optimizer.hpp"

namespace konnx::ops {
namespace {

constexpr int64_t kLists = 4;  // X, G, V, H

void infer(InferContext& ctx) { training::infer_optimizer(ctx, kLists); }

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const double alpha = init.attr_float("alpha", 0.9f), beta = init.attr_float("beta", 0.999f),
                 epsilon = init.attr_float("epsilon", 1e-6f), norm = init.attr_float("norm_coefficient", 0.0f),
                 norm_post = init.attr_float("norm_coefficient_post", 0.0f);
    const int64_t n = training::group_size(init, kLists);
    return make_kernel([=](const KernelRun& r) {
        const auto t = static_cast<double>(r.in(1).data<int64_t>()[0]);
        double rate = training::learning_rate(r);
        if (t > 0) rate *= std::sqrt(1.0 - std::pow(beta, t)) / (1.0 - std::pow(alpha, t));
        for (int64_t j = 0; j < n; ++j) {
            const Tensor &x = r.in(2 + j), &g = r.in(2 + n + j), &v = r.in(2 + 2 * n + j), &h = r.in(2 + 3 * n + j);
            dispatch<float, double>(x.dtype(), [&]<class T>() {
                T* x_new = r.out(j).data<T>();
                T* v_new = r.out(n + j).data<T>();
                T* h_new = r.out(2 * n + j).data<T>();
                for (int64_t i = 0; i < x.numel(); ++i) {
                    const double xi = x.data<T>()[i], gi = norm * xi + g.data<T>()[i];
                    const double vi = alpha * v.data<T>()[i] + (1.0 - alpha) * gi;
                    const double hi = beta * h.data<T>()[i] + (1.0 - beta) * gi * gi;
                    v_new[i] = static_cast<T>(vi);
                    h_new[i] = static_cast<T>(hi);
                    x_new[i] = static_cast<T>((1.0 - norm_post) * (xi - rate * vi / (std::sqrt(hi) + epsilon)));
                }
            });
        }
    });
}

}  // namespace

void register_adam(OpRegistry& registry) {
    registry.add({.name = "Adam",
                  .domain = "ai.onnx.preview.training",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make});
}

}  // namespace konnx::ops
