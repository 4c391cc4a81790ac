// SPDX-License-Identifier: MIT
// LinearClassifier (ai.onnx.ml 1): scores = X W^T + intercepts for K classes (W = `coefficients`, [K, C]); X is float,
// double, int64 or int32, [N, C] or [C], computed in float. Outputs the label [N] (classlabels_ints or
// classlabels_strings) and the scores [N, K] after post_transform, as onnxruntime computes them:
//   - K >= 2: the label is the first class of highest raw score; the transform applies to each row.
//   - K == 1 (one score per row): the label is the positive one when the raw score is > 0 (labels[1] with two
//     labels, else 1 / "1"). With two labels the scores become [1 - p, p], p = logistic(s) under LOGISTIC and s
//     under every other transform (onnxruntime's rule); without labels only PROBIT transforms the single score.
// `intercepts` may be absent (zero; K is then coefficients / C); `multi_class` is not read (onnxruntime does not).
#include <algorithm>

#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Classifier {
    std::vector<float> coefficients, intercepts;
    ClassLabels labels;
    PostTransform transform;
    int64_t classes = 0;        // K: scores per row
    bool second_class = false;  // K == 1 with two labels: two score columns

    Classifier(const NodeContext& ctx, int64_t features)
        : coefficients(ctx.attr_floats("coefficients")),
          intercepts(ctx.attr_floats("intercepts")),
          labels(ctx, "classlabels_ints", "classlabels_strings"),
          transform(post_transform_attr(ctx)) {
        ctx.check(!coefficients.empty(), "attribute 'coefficients' is missing or empty");
        ctx.check(features > 0, "input X has no features");
        classes = !intercepts.empty() ? static_cast<int64_t>(intercepts.size())
                                      : static_cast<int64_t>(coefficients.size()) / features;
        ctx.check(classes > 0 && static_cast<int64_t>(coefficients.size()) == classes * features, "coefficients hold ",
                  coefficients.size(), " values, expected ", classes, " classes x ", features, " features");
        if (classes == 1)
            second_class = labels.size() == 2;
        else
            check_length(ctx, labels.is_string() ? "classlabels_strings" : "classlabels_ints", labels.size(),
                         static_cast<std::size_t>(classes));
    }
    int64_t score_columns() const { return second_class ? 2 : classes; }
};

void infer(InferContext& ctx) {
    const auto [rows, features] = feature_input(ctx);
    const Classifier c(ctx, features);
    ctx.set_output(0, c.labels.dtype(), {rows});
    ctx.set_output(1, DType::kFloat32, {rows, c.score_columns()});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto input = feature_input(init);
    return make_kernel([c = Classifier(init, input.second), rows = input.first,
                        features = input.second](const KernelRun& r) {
        std::vector<float> buffer, scores(static_cast<std::size_t>(rows * c.classes));
        const auto x = features_as_float(r.in(0), buffer);
        linear_scores(x.data(), c.coefficients, c.intercepts, rows, features, c.classes, scores.data());
        const int64_t columns = c.score_columns();
        for (int64_t n = 0; n < rows; ++n) {
            float* row = scores.data() + n * c.classes;
            if (r.has_out(0)) {
                if (c.classes == 1) {
                    if (c.second_class)
                        c.labels.write(r.out(0), n, row[0] > 0 ? 1 : 0);
                    else
                        write_default_binary_label(r.out(0), n, row[0] > 0);
                } else {
                    c.labels.write(r.out(0), n, static_cast<std::size_t>(std::max_element(row, row + c.classes) - row));
                }
            }
            if (!r.has_out(1)) continue;
            float* out = r.out(1).data<float>() + n * columns;
            if (c.classes == 1) {
                write_binary(row[0], c.transform, c.second_class ? SecondClass::kComplement : SecondClass::kNone, out);
            } else {
                transform_row({row, static_cast<std::size_t>(c.classes)}, c.transform);
                std::copy(row, row + c.classes, out);
            }
        }
    });
}

}  // namespace

void register_ml_linear_classifier(OpRegistry& registry) {
    registry.add({.name = "LinearClassifier",
                  .domain = kDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .strings = true});
}

}  // namespace konnx::ops
