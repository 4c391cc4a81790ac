// SPDX-License-Identifier: MIT
// SVMClassifier (ai.onnx.ml 1), as onnxruntime (and libsvm, which scikit-learn's SVC wraps) computes it, in float:
//   - SVC mode (vectors_per_class given): one-vs-one. For classes i < j the decision value is
//     sum(coef[j-1, sv of i] * k(x, sv)) + sum(coef[i, sv of j] * k(x, sv)) + rho[pair]; it votes for i when > 0,
//     else j, and the label is the class with most votes (the first on ties). Without prob_a/prob_b the scores are
//     the decision values ([-d, d] for two classes under NONE, [1 - d, d] otherwise, as onnxruntime writes them);
//     with them, Platt's sigmoid turns each decision value into a pairwise probability and libsvm's pairwise
//     coupling (Wu, Lin and Weng, method 2) into one probability per class.
//   - linear mode (no support vectors): scores[c] = x . coefficients[c] + rho[0] (one rho for every class, as
//     onnxruntime reads it); the label is the highest score, with onnxruntime's rule for two classes.
// The post_transform then applies to the scores. X is float, double, int64 or int32, [N, C] or [C].
#include <algorithm>

#include "core/parallel.hpp"
#include "ops/support/svm.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

/// Pairwise coupling: the class probabilities p[k] from pairwise probabilities r[i * k + j] (libsvm's iteration,
/// in float with onnxruntime's 100 iterations and tolerance 0.005 / k).
void couple_probabilities(int64_t k, const std::vector<float>& r, float* p) {
    const auto at = [k](int64_t i, int64_t j) { return static_cast<std::size_t>(i * k + j); };
    std::vector<float> q(static_cast<std::size_t>(k * k), 0.f), qp(static_cast<std::size_t>(k), 0.f);
    for (int64_t i = 0; i < k; ++i) {
        p[i] = 1.f / static_cast<float>(k);
        for (int64_t j = 0; j < i; ++j) {
            q[at(i, i)] += r[at(j, i)] * r[at(j, i)];
            q[at(i, j)] = q[at(j, i)];
        }
        for (int64_t j = i + 1; j < k; ++j) {
            q[at(i, i)] += r[at(j, i)] * r[at(j, i)];
            q[at(i, j)] = -r[at(j, i)] * r[at(i, j)];
        }
    }
    const float eps = 0.005f / static_cast<float>(k);
    for (int iteration = 0; iteration < 100; ++iteration) {
        float pqp = 0;
        for (int64_t i = 0; i < k; ++i) {
            qp[static_cast<std::size_t>(i)] = 0;
            for (int64_t j = 0; j < k; ++j)
                qp[static_cast<std::size_t>(i)] += q[at(i, j)] * p[j];
            pqp += p[i] * qp[static_cast<std::size_t>(i)];
        }
        float max_error = 0;
        for (int64_t i = 0; i < k; ++i)
            max_error = std::max(max_error, std::abs(qp[static_cast<std::size_t>(i)] - pqp));
        if (max_error < eps) break;
        for (int64_t t = 0; t < k; ++t) {
            const float qt = qp[static_cast<std::size_t>(t)];
            const float diff = (-qt + pqp) / q[at(t, t)];
            p[t] += diff;
            pqp = (pqp + diff * (diff * q[at(t, t)] + 2 * qt)) / (1 + diff) / (1 + diff);
            for (int64_t j = 0; j < k; ++j) {
                qp[static_cast<std::size_t>(j)] = (qp[static_cast<std::size_t>(j)] + diff * q[at(t, j)]) / (1 + diff);
                p[j] /= (1 + diff);
            }
        }
    }
}

struct Svc {
    SvmKernel kernel;
    ClassLabels labels;
    PostTransform transform;
    std::vector<float> coefficients, support_vectors, rho, prob_a, prob_b;
    std::vector<int64_t> per_class, starts;  // support vectors of each class and where they start
    int64_t classes = 0, vectors = 0, features = 0;
    bool svc = false;  // one-vs-one on support vectors, else linear
    bool weights_all_positive = true;

    Svc(const NodeContext& ctx, int64_t input_features)
        : kernel(ctx),
          labels(ctx, "classlabels_ints", "classlabels_strings"),
          transform(post_transform_attr(ctx)),
          coefficients(ctx.attr_floats("coefficients")),
          support_vectors(ctx.attr_floats("support_vectors")),
          rho(ctx.attr_floats("rho")),
          prob_a(ctx.attr_floats("prob_a")),
          prob_b(ctx.attr_floats("prob_b")),
          per_class(ctx.attr_ints("vectors_per_class")) {
        classes = static_cast<int64_t>(labels.size());
        ctx.check(classes > 0, "give the class labels (classlabels_ints or classlabels_strings)");
        ctx.check(!coefficients.empty(), "attribute 'coefficients' is missing or empty");
        check_length(ctx, "prob_b", prob_b.size(), prob_a.size());
        for (int64_t n : per_class) {
            ctx.check(n >= 0 && n <= static_cast<int64_t>(support_vectors.size()), "vectors_per_class holds ", n);
            starts.push_back(vectors);
            vectors += n;
        }
        svc = vectors > 0;
        features = input_features;
        if (svc) {
            ctx.check(classes >= 2, "a one-vs-one SVM needs two or more classes, got ", classes);
            check_length(ctx, "vectors_per_class", per_class.size(), static_cast<std::size_t>(classes));
            check_length(ctx, "support_vectors", support_vectors.size(), static_cast<std::size_t>(vectors * features));
            check_length(ctx, "coefficients", coefficients.size(), static_cast<std::size_t>((classes - 1) * vectors));
            check_length(ctx, "rho", rho.size(), static_cast<std::size_t>(pairs()));
            ctx.check(prob_a.empty() || prob_a.size() == static_cast<std::size_t>(pairs()), "prob_a holds ",
                      prob_a.size(), " values, expected ", pairs(), " (one per pair of classes)");
        } else {
            kernel.type = SvmKernel::Type::kLinear;
            check_length(ctx, "coefficients", coefficients.size(), static_cast<std::size_t>(classes * features));
            ctx.check(!rho.empty(), "attribute 'rho' is missing or empty");
        }
        weights_all_positive = std::all_of(coefficients.begin(), coefficients.end(), [](float v) { return v >= 0; });
    }

    int64_t pairs() const { return classes * (classes - 1) / 2; }
    bool probabilities() const { return svc && !prob_a.empty(); }
    /// Score columns: one per class, or the decision values of one-vs-one without probabilities.
    int64_t columns() const { return svc && prob_a.empty() ? (classes > 2 ? pairs() : 2) : classes; }

    /// Scores one row into z (columns() values); returns the index of its label.
    std::size_t score(const float* x, float* kernels, std::vector<float>& decisions, std::vector<int64_t>& votes,
                      std::vector<float>& pairwise, float* z) const {
        if (!svc) {
            kernel.apply(x, coefficients.data(), classes, features, rho[0], z);
            const auto best = static_cast<std::size_t>(std::max_element(z, z + classes) - z);
            std::size_t label = best;
            if (classes == 2 && prob_a.empty()) {
                const float top = z[best];
                if ((weights_all_positive && top >= 0.5f) || (!weights_all_positive && top > 0)) label = 1;
            }
            finish(z, classes, SecondClass::kNone);
            return label;
        }
        kernel.apply(x, support_vectors.data(), vectors, features, 0.f, kernels);
        std::fill(votes.begin(), votes.end(), 0);
        std::size_t pair = 0;
        for (int64_t i = 0; i < classes; ++i)
            for (int64_t j = i + 1; j < classes; ++j, ++pair) {
                double sum = 0;
                const float* ci = coefficients.data() + (j - 1) * vectors;  // coefficients of class i's vectors
                const float* cj = coefficients.data() + i * vectors;        // and of class j's
                for (int64_t m = starts[static_cast<std::size_t>(i)];
                     m < starts[static_cast<std::size_t>(i)] + per_class[static_cast<std::size_t>(i)]; ++m)
                    sum += ci[m] * kernels[m];
                for (int64_t m = starts[static_cast<std::size_t>(j)];
                     m < starts[static_cast<std::size_t>(j)] + per_class[static_cast<std::size_t>(j)]; ++m)
                    sum += cj[m] * kernels[m];
                sum += rho[pair];
                decisions[pair] = static_cast<float>(sum);
                ++votes[static_cast<std::size_t>(sum > 0 ? i : j)];
            }
        const auto label = static_cast<std::size_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
        if (probabilities()) {
            pair = 0;
            for (int64_t i = 0; i < classes; ++i)
                for (int64_t j = i + 1; j < classes; ++j, ++pair) {
                    // Platt scaling: P(i beats j) = 1 / (1 + exp(A d + B)), kept inside [1e-7, 1 - 1e-7].
                    const float p =
                        std::clamp(1.f - logistic(decisions[pair] * prob_a[pair] + prob_b[pair]), 1e-7f, 1.f - 1e-7f);
                    pairwise[static_cast<std::size_t>(i * classes + j)] = p;
                    pairwise[static_cast<std::size_t>(j * classes + i)] = 1.f - p;
                }
            couple_probabilities(classes, pairwise, z);
            finish(z, classes, SecondClass::kNone);
        } else if (classes == 2) {
            z[0] = decisions[0];
            finish(z, 1, transform == PostTransform::kNone ? SecondClass::kNegate : SecondClass::kComplement);
        } else {
            std::copy(decisions.begin(), decisions.end(), z);
            finish(z, pairs(), SecondClass::kNone);
        }
        return label;
    }

    /// The post transform of `count` scores (one score becomes two columns as `second` says).
    void finish(float* z, int64_t count, SecondClass second) const {
        if (count > 1)
            transform_row({z, static_cast<std::size_t>(count)}, transform);
        else if (count == 1)
            write_binary(z[0], transform, second, z);
    }
};

void infer(InferContext& ctx) {
    const auto [rows, features] = feature_input(ctx);
    const Svc svm(ctx, features);
    ctx.set_output(0, svm.labels.dtype(), {rows});
    ctx.set_output(1, DType::kFloat32, {rows, svm.columns()});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto input = feature_input(init);
    return make_kernel(
        [svm = Svc(init, input.second), rows = input.first, features = input.second](const KernelRun& r) {
            std::vector<float> buffer;
            const auto x = features_as_float(r.in(0), buffer);
            const int64_t columns = svm.columns();
            std::vector<float> scratch;
            float* z = r.has_out(1) ? r.out(1).data<float>()
                                    : (scratch.resize(static_cast<std::size_t>(rows * columns)), scratch.data());
            parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(svm.vectors * features + 1, 1)),
                         [&](int64_t begin, int64_t end) {
                             std::vector<float> kernels(static_cast<std::size_t>(svm.vectors));
                             std::vector<float> decisions(static_cast<std::size_t>(svm.pairs()));
                             std::vector<float> pairwise(static_cast<std::size_t>(svm.classes * svm.classes));
                             std::vector<int64_t> votes(static_cast<std::size_t>(svm.classes));
                             std::vector<float> row(static_cast<std::size_t>(std::max(svm.classes, columns)));
                             for (int64_t n = begin; n < end; ++n) {
                                 const std::size_t label = svm.score(x.data() + n * features, kernels.data(), decisions,
                                                                     votes, pairwise, row.data());
                                 std::copy_n(row.data(), columns, z + n * columns);
                                 if (r.has_out(0)) svm.labels.write(r.out(0), n, label);
                             }
                         });
        });
}

}  // namespace

void register_ml_svm_classifier(OpRegistry& registry) {
    registry.add({.name = "SVMClassifier",
                  .domain = kDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .strings = true});
}

}  // namespace konnx::ops
