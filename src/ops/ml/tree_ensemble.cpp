// SPDX-License-Identifier: MIT
// TreeEnsemble (ai.onnx.ml 5): Y [N, n_targets] of X's type (float or double), the aggregate (aggregate_function
// 0 AVERAGE, 1 SUM, 2 MIN, 3 MAX) over the trees of the weights of the leaves each row reaches, then post_transform
// numbered as onnxruntime reads it (0 NONE, 1 LOGISTIC, 2 SOFTMAX, 3 SOFTMAX_ZERO, 4 PROBIT; the schema's text
// swaps 1 and 2, and the ONNX reference implementation ignores the attribute). Nodes and leaves are separate lists:
// nodes_trueleafs / nodes_falseleafs say whether a branch leads to a leaf; BRANCH_MEMBER (mode 6) tests membership in
// the node's NaN-delimited list of membership_values. The engine lives in ops/support/tree_ensemble.
#include "ops/support/tree_ensemble.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

void infer(InferContext& ctx) {
    const auto [rows, features] = feature_input(ctx);
    const DType dtype = ctx.input_dtype(0);
    ctx.check(dtype == DType::kFloat32 || dtype == DType::kFloat64, "input X must be float or double, got ",
              dtype_name(dtype));
    const int64_t targets = ctx.attr_int("n_targets", 0);
    ctx.check(targets > 0, "n_targets must be positive, got ", targets);
    ctx.set_output(0, dtype, {rows, targets});
}

template <class T>
std::unique_ptr<Kernel> make_for(const KernelInit& init, int64_t rows, int64_t features) {
    auto forest = std::make_shared<const Forest<T>>(parse_forest_v5<T>(init, features));
    return make_kernel(
        [forest, rows](const KernelRun& r) { predict_regression(*forest, r.in(0), rows, r.out(0).data<T>()); });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto [rows, features] = feature_input(init);
    return init.input_dtype(0) == DType::kFloat64 ? make_for<double>(init, rows, features)
                                                  : make_for<float>(init, rows, features);
}

}  // namespace

void register_ml_tree_ensemble(OpRegistry& registry) {
    registry.add({.name = "TreeEnsemble", .domain = kDomain, .since_version = 5, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
