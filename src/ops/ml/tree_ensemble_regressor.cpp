// SPDX-License-Identifier: MIT
// TreeEnsembleRegressor (ai.onnx.ml 1, 3): Y [N, n_targets] float, the aggregate (SUM, AVERAGE, MIN, MAX) over the
// trees of the weights of the leaves each row of X reaches, plus base_values, then post_transform. X is float,
// double, int64 or int32, [N, C] or [C]. Opset 3 adds the *_as_tensor attributes (double thresholds and weights).
// The engine and its checks live in ops/support/tree_ensemble (onnxruntime's semantics, documented there).
#include "ops/support/tree_ensemble.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

int64_t targets_of(const NodeContext& ctx) {
    const int64_t targets = ctx.attr_int("n_targets", 0);
    ctx.check(targets > 0 && targets <= (int64_t{1} << 24), "n_targets must be positive, got ", targets);
    return targets;
}

void infer(InferContext& ctx) {
    const auto [rows, features] = feature_input(ctx);
    ctx.set_output(0, DType::kFloat32, {rows, targets_of(ctx)});
}

template <class T>
std::unique_ptr<Kernel> make_for(const KernelInit& init, int64_t rows, int64_t features) {
    auto forest =
        std::make_shared<const Forest<T>>(parse_forest_v3<T>(init, "target", targets_of(init), features, nullptr));
    return make_kernel(
        [forest, rows](const KernelRun& r) { predict_regression(*forest, r.in(0), rows, r.out(0).data<float>()); });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto [rows, features] = feature_input(init);
    return init.input_dtype(0) == DType::kFloat64 ? make_for<double>(init, rows, features)
                                                  : make_for<float>(init, rows, features);
}

}  // namespace

void register_ml_tree_ensemble_regressor(OpRegistry& registry) {
    for (int version : {1, 3})
        registry.add({.name = "TreeEnsembleRegressor",
                      .domain = kDomain,
                      .since_version = version,
                      .infer = infer,
                      .make_kernel = make});
}

}  // namespace konnx::ops
