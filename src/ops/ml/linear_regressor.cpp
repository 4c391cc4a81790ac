// SPDX-License-Identifier: MIT
// LinearRegressor (ai.onnx.ml 1): Y = X W^T + intercepts, [N, targets] float (W = `coefficients`, [targets, C]); X is
// float, double, int64 or int32, [N, C] or [C], computed in float (onnxruntime takes float only). The intercepts
// are used when they hold one value per target, as in onnxruntime; post_transform applies to each row of two or
// more targets, and PROBIT alone to a single target.
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Regressor {
    std::vector<float> coefficients, intercepts;
    PostTransform transform;
    int64_t targets;

    Regressor(const NodeContext& ctx, int64_t features)
        : coefficients(ctx.attr_floats("coefficients")),
          intercepts(ctx.attr_floats("intercepts")),
          transform(post_transform_attr(ctx)),
          targets(ctx.attr_int("targets", 1)) {
        ctx.check(targets > 0, "targets must be positive, got ", targets);
        ctx.check(features > 0 && static_cast<int64_t>(coefficients.size()) / features == targets &&
                      static_cast<int64_t>(coefficients.size()) % features == 0,
                  "coefficients hold ", coefficients.size(), " values, expected ", targets, " targets x ", features,
                  " features");
        if (intercepts.size() != static_cast<std::size_t>(targets)) intercepts.clear();
    }
};

void infer(InferContext& ctx) {
    const auto [rows, features] = feature_input(ctx);
    const Regressor reg(ctx, features);
    ctx.set_output(0, DType::kFloat32, {rows, reg.targets});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto input = feature_input(init);
    return make_kernel(
        [reg = Regressor(init, input.second), rows = input.first, features = input.second](const KernelRun& r) {
            std::vector<float> buffer;
            const auto x = features_as_float(r.in(0), buffer);
            float* y = r.out(0).data<float>();
            linear_scores(x.data(), reg.coefficients, reg.intercepts, rows, features, reg.targets, y);
            if (reg.transform == PostTransform::kNone) return;
            for (int64_t n = 0; n < rows; ++n) {
                float* row = y + n * reg.targets;
                if (reg.targets == 1)
                    write_binary(row[0], reg.transform, SecondClass::kNone, row);
                else
                    transform_row({row, static_cast<std::size_t>(reg.targets)}, reg.transform);
            }
        });
}

}  // namespace

void register_ml_linear_regressor(OpRegistry& registry) {
    registry.add(
        {.name = "LinearRegressor", .domain = kDomain, .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
