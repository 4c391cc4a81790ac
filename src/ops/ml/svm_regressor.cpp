// SPDX-License-Identifier: MIT
// SVMRegressor (ai.onnx.ml 1): Y [N, 1] float. With n_supports > 0 support vectors, y = sum(coefficients[j] *
// k(x, sv[j])) + rho[0]; without, y = x . coefficients + rho[0]. one_class = 1 turns y into +1 / -1 (y > 0). X is
// float, double, int64 or int32, [N, C] or [C], computed in float. post_transform is not applied, as in onnxruntime.
#include <algorithm>

#include "core/parallel.hpp"
#include "ops/support/svm.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Svr {
    SvmKernel kernel;
    std::vector<float> coefficients, support_vectors, rho;
    int64_t supports = 0, features = 0;
    bool one_class = false;

    Svr(const NodeContext& ctx, int64_t input_features)
        : kernel(ctx),
          coefficients(ctx.attr_floats("coefficients")),
          support_vectors(ctx.attr_floats("support_vectors")),
          rho(ctx.attr_floats("rho")),
          supports(ctx.attr_int("n_supports", 0)),
          features(input_features),
          one_class(ctx.attr_int("one_class", 0) != 0) {
        ctx.check(!rho.empty(), "attribute 'rho' is missing or empty");
        ctx.check(supports >= 0, "n_supports must be >= 0, got ", supports);
        if (supports > 0) {
            check_length(ctx, "coefficients", coefficients.size(), static_cast<std::size_t>(supports));
            ctx.check(
                support_vectors.size() / static_cast<std::size_t>(supports) == static_cast<std::size_t>(features) &&
                    support_vectors.size() % static_cast<std::size_t>(supports) == 0,
                "support_vectors hold ", support_vectors.size(), " values, expected ", supports, " vectors x ",
                features, " features");
        } else {
            kernel.type = SvmKernel::Type::kLinear;
            check_length(ctx, "coefficients", coefficients.size(), static_cast<std::size_t>(features));
        }
    }

    float predict(const float* x, float* kernels) const {
        float y = 0;
        if (supports > 0) {
            kernel.apply(x, support_vectors.data(), supports, features, 0.f, kernels);
            y = rho[0];
            for (int64_t j = 0; j < supports; ++j)
                y += kernels[j] * coefficients[static_cast<std::size_t>(j)];
        } else {
            kernel.apply(x, coefficients.data(), 1, features, rho[0], &y);
        }
        return one_class ? (y > 0 ? 1.f : -1.f) : y;
    }
};

void infer(InferContext& ctx) {
    const auto [rows, features] = feature_input(ctx);
    const Svr svr(ctx, features);
    ctx.set_output(0, DType::kFloat32, {rows, 1});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto input = feature_input(init);
    return make_kernel(
        [svr = Svr(init, input.second), rows = input.first, features = input.second](const KernelRun& r) {
            std::vector<float> buffer;
            const auto x = features_as_float(r.in(0), buffer);
            float* y = r.out(0).data<float>();
            parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(svr.supports * features + 1, 1)),
                         [&](int64_t begin, int64_t end) {
                             std::vector<float> kernels(static_cast<std::size_t>(svr.supports));
                             for (int64_t n = begin; n < end; ++n)
                                 y[n] = svr.predict(x.data() + n * features, kernels.data());
                         });
        });
}

}  // namespace

void register_ml_svm_regressor(OpRegistry& registry) {
    registry.add({.name = "SVMRegressor", .domain = kDomain, .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
