// SPDX-License-Identifier: MIT
// Shared by the ai.onnx.ml ops (src/ops/ml/): post transforms, class labels, feature inputs. The numbers follow
// onnxruntime (the reference runtime for these ops, whose results scikit-learn users compare against): its probit
// is an approximation of erfinv, and its binary-classifier score layouts are reproduced exactly.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/shape.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops::ml {

inline constexpr std::string_view kDomain = "ai.onnx.ml";

enum class PostTransform { kNone, kLogistic, kSoftmax, kSoftmaxZero, kProbit };

/// The string attribute `post_transform` (NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT; default NONE).
PostTransform post_transform_attr(const NodeContext& ctx);
/// TreeEnsemble's integer form as onnxruntime reads it: 0 NONE, 1 LOGISTIC, 2 SOFTMAX, 3 SOFTMAX_ZERO, 4 PROBIT.
PostTransform post_transform_of(const NodeContext& ctx, int64_t code);

float logistic(float x);
/// sqrt(2) * erfinv(2x - 1) with onnxruntime's closed-form erfinv approximation (a = 0.147).
float probit(float x);
void softmax(std::span<float> row);
/// Softmax that leaves (near-)zero scores at zero.
void softmax_zero(std::span<float> row);
/// Applies `transform` to one row of two or more scores.
void transform_row(std::span<float> row, PostTransform transform);

/// How a single score becomes two columns [negative, positive] (onnxruntime's `add_second_class`).
enum class SecondClass {
    kNone,        ///< one column is written: the score (probit-transformed under PROBIT)
    kComplement,  ///< [1 - s, s], or [1 - logistic(s), logistic(s)] under LOGISTIC
    kNegate,      ///< [-s, s], or [logistic(-s), logistic(s)] under LOGISTIC
};
/// Writes the row for one binary score into out (1 or 2 values, as `second` says). Under PROBIT onnxruntime writes
/// probit(s) and leaves the second column unwritten; konnx writes [probit(s), 0].
void write_binary(float score, PostTransform transform, SecondClass second, float* out);

/// Class labels of a classifier: int64 (`ints_name`) or string (`strings_name`), exactly one of them non-empty
/// (or neither, for ops with default labels).
struct ClassLabels {
    std::vector<int64_t> ints;
    std::vector<std::string> strings;

    ClassLabels(const NodeContext& ctx, std::string_view ints_name, std::string_view strings_name);
    bool is_string() const { return !strings.empty(); }
    std::size_t size() const { return is_string() ? strings.size() : ints.size(); }
    DType dtype() const { return is_string() ? DType::kString : DType::kInt64; }
    /// Writes label `index` (< size()) to row `row` of the label output.
    void write(Tensor& out, int64_t row, std::size_t index) const;
};

/// Writes label 1 or 0 ("1"/"0" for string outputs): the default labels of two-class scores without labels.
void write_default_binary_label(Tensor& out, int64_t row, bool positive);

/// Feature input X of an ML op: float, double, int64 or int32, [N, C] or [C] (one row). Checks it and returns {N, C}.
/// Kernel lambdas take .first/.second by init-capture: clang 14 (the ASan build) cannot capture structured bindings.
std::pair<int64_t, int64_t> feature_input(const NodeContext& ctx, std::size_t i = 0);
/// A float, double, int64 or int32 input of rank >= 1 with its features on axis 1 (axis 0 when 1-D): returns their
/// count.
int64_t numeric_input(const NodeContext& ctx, std::size_t i = 0);
/// The features of X as float32 (a copy unless X is float32 already), row-major [N, C].
std::span<const float> features_as_float(const Tensor& x, std::vector<float>& buffer);

/// out[n, k] = bias[k] + sum_c x[n, c] * weights[k, c] for `rows` rows of `cols` features and `outs` outputs
/// (weights [outs, cols] row-major; an empty bias adds nothing), rows in parallel.
void linear_scores(const float* x, std::span<const float> weights, std::span<const float> bias, int64_t rows,
                   int64_t cols, int64_t outs, float* out);

/// A float attribute list that must hold `count` values (or be empty when `optional`): names the node and both
/// lengths when it does not.
void check_length(const NodeContext& ctx, std::string_view what, std::size_t got, std::size_t want);

}  // namespace konnx::ops::ml
