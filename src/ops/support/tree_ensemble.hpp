// SPDX-License-Identifier: MIT
// The tree-ensemble engine behind TreeEnsembleClassifier, TreeEnsembleRegressor (ai.onnx.ml 1, 3) and TreeEnsemble
// (ai.onnx.ml 5). Each op's attributes are parsed into one checked form: nodes in one array with absolute child
// indices, leaves pointing at their (target, weight) pairs, one root per tree. Parsing refuses what would make
// evaluation read out of bounds or loop (unknown or duplicated node ids, children outside their tree, cycles,
// feature ids outside the input, targets outside [0, n_targets)), naming the node and the fix.
//
// Evaluation follows onnxruntime, the reference scikit-learn users compare with: thresholds and sums are double
// for double inputs and float otherwise; a single-target ensemble scores each leaf by its first weight and applies
// PROBIT alone; targets that no leaf reached score 0 under MIN/MAX; and the classifier's two-class layouts (one
// score expanded to two columns, the label from its sign) are reproduced exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ops/support/ml_common.hpp"

namespace konnx::ops::ml {

enum class Aggregate { kAverage, kSum, kMin, kMax };

enum class NodeMode : uint8_t { kLeq, kLt, kGte, kGt, kEq, kNeq, kMember, kLeaf };

/// The parsed ensemble, thresholds and weights of type T (float, or double for double inputs).
template <class T>
struct Forest {
    struct Node {
        T threshold = 0;
        int32_t feature = 0;
        NodeMode mode = NodeMode::kLeaf;
        bool missing_true = false;                 // NaN takes the true branch
        uint32_t true_child = 0, false_child = 0;  // branches: node indices
        uint32_t first = 0, count = 0;             // leaves: their weights; kMember: their members
    };
    struct Weight {
        int64_t target;
        T value;
    };
    std::vector<Node> nodes;
    std::vector<uint32_t> roots;
    std::vector<Weight> weights;
    std::vector<T> members;  // values of BRANCH_MEMBER nodes
    std::vector<T> base_values;
    int64_t targets = 0;
    int64_t max_feature = -1;
    Aggregate aggregate = Aggregate::kSum;
    PostTransform transform = PostTransform::kNone;
};

/// What the classifier adds: labels and the two-class rules.
struct ClassifierInfo {
    bool weights_all_positive = true;
    bool binary = false;  // two classes whose weights all go to one class id
};

/// Parses TreeEnsembleRegressor (`prefix` "target") or TreeEnsembleClassifier ("class") attributes, opsets 1 and 3
/// (the *_as_tensor forms included), for `features` input features.
template <class T>
Forest<T> parse_forest_v3(const NodeContext& ctx, const std::string& prefix, int64_t targets, int64_t features,
                          ClassifierInfo* classifier);
/// Parses TreeEnsemble (opset 5) attributes.
template <class T>
Forest<T> parse_forest_v5(const NodeContext& ctx, int64_t features);

/// Regression scores [rows, targets] of x (float, double, int64 or int32; rows x features) into out.
template <class T, class Out>
void predict_regression(const Forest<T>& forest, const Tensor& x, int64_t rows, Out* out);
/// Classification: labels (through `labels`) and scores [rows, classes] of x.
template <class T>
void predict_classes(const Forest<T>& forest, const ClassifierInfo& info, const ClassLabels& labels, const Tensor& x,
                     int64_t rows, Tensor* label_out, float* scores);

}  // namespace konnx::ops::ml
