// SPDX-License-Identifier: MIT
// Momentum (ai.onnx.preview.training opset 1): one SGD-with-momentum step on n weight tensors at once.
// Inputs R, T, X1..Xn, G1..Gn, V1..Vn; outputs X1_new..Xn_new, V1_new..Vn_new. Per element, as ONNX specifies:
//   g = norm_coefficient * X + G;  b = T > 0 ? beta : 1;  V_new = alpha * V + b * g;
//   mode "standard": X_new = X - R * V_new;   mode "nesterov": X_new = X - R * (g + alpha * V_new)
// alpha, beta, mode and norm_coefficient are required. Computed in double, rounded once to the tensors' type.
#include "ops/support/training_optimizer.hpp"

namespace konnx::ops {
namespace {

constexpr int64_t kLists = 3;  // X, G, V

bool nesterov(const NodeContext& ctx) {
    const std::string mode = ctx.attr_string("mode", "");
    ctx.check(mode == "standard" || mode == "nesterov", "mode must be 'standard' or 'nesterov', got '", mode, "'");
    return mode == "nesterov";
}

void infer(InferContext& ctx) {
    nesterov(ctx);
    for (const char* name : {"alpha", "beta", "norm_coefficient"})
        ctx.check(ctx.has_attr(name), "attribute '", name, "' is required");
    training::infer_optimizer(ctx, kLists);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const double alpha = init.attr_float("alpha", 0.0f), beta = init.attr_float("beta", 0.0f),
                 norm = init.attr_float("norm_coefficient", 0.0f);
    const bool use_nesterov = nesterov(init);
    const int64_t n = training::group_size(init, kLists);
    return make_kernel([=](const KernelRun& r) {
        const double rate = training::learning_rate(r);
        const double b = r.in(1).data<int64_t>()[0] > 0 ? beta : 1.0;
        for (int64_t j = 0; j < n; ++j) {
            const Tensor &x = r.in(2 + j), &g = r.in(2 + n + j), &v = r.in(2 + 2 * n + j);
            dispatch<float, double>(x.dtype(), [&]<class T>() {
                T* x_new = r.out(j).data<T>();
                T* v_new = r.out(n + j).data<T>();
                for (int64_t i = 0; i < x.numel(); ++i) {
                    const double xi = x.data<T>()[i], gi = norm * xi + g.data<T>()[i];
                    const double vi = alpha * v.data<T>()[i] + b * gi;
                    v_new[i] = static_cast<T>(vi);
                    x_new[i] = static_cast<T>(use_nesterov ? xi - rate * (gi + alpha * vi) : xi - rate * vi);
                }
            });
        }
    });
}

}  // namespace

void register_momentum(OpRegistry& registry) {
    registry.add({.name = "Momentum",
                  .domain = "ai.onnx.preview.training",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make});
}

}  // namespace konnx::ops
