// SPDX-License-Identifier: MIT
// TreeEnsembleClassifier (ai.onnx.ml 1, 3): the label [N] (classlabels_int64s or classlabels_strings, two or more)
// and the class scores [N, classes] float: per class, the sum over the trees of the weights of the leaves each row of
// X reaches, plus base_values, then post_transform. X is float, double, int64 or int32, [N, C] or [C]. Opset 3 adds
// the *_as_tensor attributes. Two-class ensembles follow onnxruntime's layouts (ops/support/tree_ensemble.hpp).
#include "ops/support/tree_ensemble.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

int64_t classes_of(const NodeContext& ctx, const ClassLabels& labels) {
    ctx.check(labels.size() >= 2, "needs two or more class labels (classlabels_int64s or classlabels_strings), got ",
              labels.size());
    return static_cast<int64_t>(labels.size());
}

void infer(InferContext& ctx) {
    const auto [rows, features] = feature_input(ctx);
    const ClassLabels labels(ctx, "classlabels_int64s", "classlabels_strings");
    ctx.set_output(0, labels.dtype(), {rows});
    ctx.set_output(1, DType::kFloat32, {rows, classes_of(ctx, labels)});
}

template <class T>
std::unique_ptr<Kernel> make_for(const KernelInit& init, int64_t rows, int64_t features) {
    struct Model {
        ClassLabels labels;
        ClassifierInfo info;
        Forest<T> forest;
    };
    auto m = std::make_shared<Model>(Model{ClassLabels(init, "classlabels_int64s", "classlabels_strings"), {}, {}});
    m->forest = parse_forest_v3<T>(init, "class", classes_of(init, m->labels), features, &m->info);
    return make_kernel([m = std::shared_ptr<const Model>(m), rows](const KernelRun& r) {
        std::vector<float> scratch;
        float* scores = r.has_out(1)
                            ? r.out(1).data<float>()
                            : (scratch.resize(static_cast<std::size_t>(rows * m->forest.targets)), scratch.data());
        predict_classes(m->forest, m->info, m->labels, r.in(0), rows, r.has_out(0) ? &r.out(0) : nullptr, scores);
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto [rows, features] = feature_input(init);
    return init.input_dtype(0) == DType::kFloat64 ? make_for<double>(init, rows, features)
                                                  : make_for<float>(init, rows, features);
}

}  // namespace

void register_ml_tree_ensemble_classifier(OpRegistry& registry) {
    for (int version : {1, 3})
        registry.add({.name = "TreeEnsembleClassifier",
                      .domain = kDomain,
                      .since_version = version,
                      .infer = infer,
                      .make_kernel = make,
                      .strings = true});
}

}  // namespace konnx::ops
