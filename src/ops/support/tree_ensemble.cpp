// SPDX-License-Identifier: MIT
#include "ops/support/tree_ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "konnx/string_tensor.hpp"

namespace konnx::ops::ml {
namespace {

constexpr std::size_t kMaxNodes = std::numeric_limits<uint32_t>::max() - 1;

/// The values of a float or double tensor attribute as T.
template <class T>
std::vector<T> tensor_numbers(const NodeContext& ctx, const Tensor& t, const std::string& name) {
    std::vector<T> out(static_cast<std::size_t>(t.numel()));
    if (t.dtype() == DType::kFloat32)
        std::transform(t.data<float>(), t.data<float>() + t.numel(), out.begin(),
                       [](float v) { return static_cast<T>(v); });
    else if (t.dtype() == DType::kFloat64)
        std::transform(t.data<double>(), t.data<double>() + t.numel(), out.begin(),
                       [](double v) { return static_cast<T>(v); });
    else
        ctx.fail("attribute '", name, "' must be a float or double tensor, got ", dtype_name(t.dtype()));
    return out;
}

/// A list attribute given as `name` (floats) or `name`_as_tensor (a float or double tensor), converted to T.
template <class T>
std::vector<T> numbers_attr(const NodeContext& ctx, const std::string& name) {
    const auto floats = ctx.attr_floats(name);
    const Tensor* tensor = ctx.attr_tensor(name + "_as_tensor");
    ctx.check(floats.empty() || !tensor, "give ", name, " or ", name, "_as_tensor, not both");
    if (!tensor) return {floats.begin(), floats.end()};
    return tensor_numbers<T>(ctx, *tensor, name + "_as_tensor");
}

NodeMode mode_of(const NodeContext& ctx, const std::string& name, std::size_t i) {
    static const std::pair<std::string_view, NodeMode> kModes[] = {
        {"BRANCH_LEQ", NodeMode::kLeq}, {"BRANCH_LT", NodeMode::kLt}, {"BRANCH_GTE", NodeMode::kGte},
        {"BRANCH_GT", NodeMode::kGt},   {"BRANCH_EQ", NodeMode::kEq}, {"BRANCH_NEQ", NodeMode::kNeq},
        {"LEAF", NodeMode::kLeaf}};
    for (const auto& [text, mode] : kModes)
        if (name == text) return mode;
    ctx.fail("nodes_modes[", i, "] is '", name, "', expected BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, ",
             "BRANCH_NEQ or LEAF");
}

Aggregate aggregate_of(const NodeContext& ctx, const std::string& name) {
    if (name == "SUM") return Aggregate::kSum;
    if (name == "AVERAGE") return Aggregate::kAverage;
    if (name == "MIN") return Aggregate::kMin;
    if (name == "MAX") return Aggregate::kMax;
    ctx.fail("aggregate_function must be SUM, AVERAGE, MIN or MAX, got '", name, "'");
}

struct PairHash {
    std::size_t operator()(const std::pair<int64_t, int64_t>& p) const {
        return std::hash<int64_t>{}(p.first * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(p.second));
    }
};

/// Refuses cycles (evaluation would never end): a depth-first walk from every root, iterative so that deep trees
/// cannot overflow the stack. `describe(i)` names node i in the error.
template <class T, class Describe>
void check_acyclic(const NodeContext& ctx, const Forest<T>& f, Describe describe) {
    enum : uint8_t { kNew, kOpen, kDone };
    std::vector<uint8_t> state(f.nodes.size(), kNew);
    std::vector<std::pair<uint32_t, int>> stack;  // node, children pushed so far
    for (uint32_t root : f.roots) {
        if (state[root] == kDone) continue;
        stack.push_back({root, 0});
        state[root] = kOpen;
        while (!stack.empty()) {
            auto& [node, pushed] = stack.back();
            const auto& n = f.nodes[node];
            if (n.mode == NodeMode::kLeaf || pushed == 2) {
                state[node] = kDone;
                stack.pop_back();
                continue;
            }
            const uint32_t child = pushed++ == 0 ? n.true_child : n.false_child;
            if (state[child] == kOpen) ctx.fail("the trees have a cycle through ", describe(child));
            if (state[child] == kNew) {
                state[child] = kOpen;
                stack.push_back({child, 0});
            }
        }
    }
}

template <class T>
bool is_nan(T v) {
    if constexpr (std::is_floating_point_v<T>)
        return std::isnan(v);
    else
        return false;
}

/// The leaf that row x reaches from `node`.
template <class T, class I>
uint32_t find_leaf(const Forest<T>& f, uint32_t node, const I* x) {
    for (;;) {
        const auto& n = f.nodes[node];
        if (n.mode == NodeMode::kLeaf) return node;
        const I v = x[n.feature];
        bool go = false;
        switch (n.mode) {
            case NodeMode::kLeq: go = v <= n.threshold; break;
            case NodeMode::kLt: go = v < n.threshold; break;
            case NodeMode::kGte: go = v >= n.threshold; break;
            case NodeMode::kGt: go = v > n.threshold; break;
            case NodeMode::kEq: go = v == n.threshold; break;
            case NodeMode::kNeq: go = v != n.threshold; break;
            case NodeMode::kMember: {
                const T* m = f.members.data() + n.first;
                go = std::find_if(m, m + n.count, [v](T member) { return v == member; }) != m + n.count;
                break;
            }
            case NodeMode::kLeaf: break;
        }
        node = go || (n.missing_true && is_nan(v)) ? n.true_child : n.false_child;
    }
}

/// A target's running score and whether any leaf gave it one.
template <class T>
struct Score {
    T value = 0;
    bool has = false;
};

/// Calls visit(scores of row, leaf) for every row and tree, then finish(scores of row, row): trees outermost within
/// blocks of rows (so a block's rows share the cache for each tree; each row still sums its trees in order), blocks
/// in parallel. Each row has `per_row` zeroed scores.
template <class T, class I, class Visit, class Finish>
void for_each_leaf(const Forest<T>& f, const I* x, int64_t rows, int64_t features, int64_t per_row, Visit visit,
                   Finish finish) {
    constexpr int64_t kBlock = 128;
    const int64_t work_per_block = kBlock * static_cast<int64_t>(f.roots.size()) * 8;
    const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 16) / std::max<int64_t>(work_per_block, 1));
    parallel_for((rows + kBlock - 1) / kBlock, grain, [&](int64_t begin, int64_t end) {
        std::vector<Score<T>> scores(static_cast<std::size_t>(kBlock * per_row));
        for (int64_t b = begin; b < end; ++b) {
            const int64_t first = b * kBlock, last = std::min(rows, first + kBlock);
            std::fill(scores.begin(), scores.end(), Score<T>{});
            for (uint32_t root : f.roots)
                for (int64_t r = first; r < last; ++r)
                    visit(scores.data() + (r - first) * per_row, f.nodes[find_leaf(f, root, x + r * features)]);
            for (int64_t r = first; r < last; ++r)
                finish(scores.data() + (r - first) * per_row, r);
        }
    });
}

template <class T, class F>
void dispatch_input(const Tensor& x, F&& fn) {
    dispatch_list(TypeList<float, double, int64_t, int32_t>{}, x.dtype(), static_cast<F&&>(fn));
}

/// Writes a row of scores, transformed in float as onnxruntime does (untransformed scores keep their precision).
template <class T, class Out>
void write_row(const T* scores, int64_t count, PostTransform transform, Out* out) {
    if (transform == PostTransform::kNone) {
        std::transform(scores, scores + count, out, [](T v) { return static_cast<Out>(v); });
        return;
    }
    float row[64];
    std::vector<float> big;
    float* f = row;
    if (count > 64) f = (big.resize(static_cast<std::size_t>(count)), big.data());
    std::transform(scores, scores + count, f, [](T v) { return static_cast<float>(v); });
    transform_row({f, static_cast<std::size_t>(count)}, transform);
    std::transform(f, f + count, out, [](float v) { return static_cast<Out>(v); });
}

}  // namespace

template <class T>
Forest<T> parse_forest_v3(const NodeContext& ctx, const std::string& prefix, int64_t targets, int64_t features,
                          ClassifierInfo* classifier) {
    Forest<T> f;
    f.targets = targets;
    f.transform = post_transform_attr(ctx);
    f.aggregate = classifier ? Aggregate::kSum : aggregate_of(ctx, ctx.attr_string("aggregate_function", "SUM"));
    f.base_values = numbers_attr<T>(ctx, "base_values");
    const auto tree_ids = ctx.attr_ints("nodes_treeids"), node_ids = ctx.attr_ints("nodes_nodeids");
    const auto feature_ids = ctx.attr_ints("nodes_featureids");
    const auto modes = ctx.attr_strings("nodes_modes");
    const auto true_ids = ctx.attr_ints("nodes_truenodeids"), false_ids = ctx.attr_ints("nodes_falsenodeids");
    const auto missing = ctx.attr_ints("nodes_missing_value_tracks_true");
    const auto thresholds = numbers_attr<T>(ctx, "nodes_values");
    const std::size_t n = node_ids.size();
    ctx.check(n > 0 && n <= kMaxNodes, "the ensemble needs 1 to ", kMaxNodes, " nodes, got ", n);
    for (const auto& [name, size] : {std::pair<const char*, std::size_t>{"nodes_treeids", tree_ids.size()},
                                     {"nodes_featureids", feature_ids.size()},
                                     {"nodes_modes", modes.size()},
                                     {"nodes_truenodeids", true_ids.size()},
                                     {"nodes_falsenodeids", false_ids.size()},
                                     {"nodes_values", thresholds.size()}})
        check_length(ctx, name, size, n);
    ctx.check(missing.size() <= n, "nodes_missing_value_tracks_true holds ", missing.size(), " values for ", n,
              " nodes");
    const auto describe = [&](std::size_t i) { return cat("node ", node_ids[i], " of tree ", tree_ids[i]); };

    std::unordered_map<std::pair<int64_t, int64_t>, uint32_t, PairHash> index;
    index.reserve(n);
    f.nodes.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (!index.emplace(std::pair{tree_ids[i], node_ids[i]}, static_cast<uint32_t>(i)).second)
            ctx.fail(describe(i), " is listed twice");
        auto& node = f.nodes[i];
        node.mode = mode_of(ctx, modes[i], i);
        node.threshold = thresholds[i];
        node.missing_true = i < missing.size() && missing[i] == 1;
        if (node.mode == NodeMode::kLeaf) continue;
        ctx.check(feature_ids[i] >= 0 && feature_ids[i] < features, describe(i), " reads feature ", feature_ids[i],
                  ", outside the input's ", features, " features");
        node.feature = static_cast<int32_t>(feature_ids[i]);
        f.max_feature = std::max<int64_t>(f.max_feature, node.feature);
    }
    // Roots: the first node of each run of one tree id (leaf roots too), as onnxruntime takes them.
    for (std::size_t i = 0; i < n; ++i)
        if (i == 0 || tree_ids[i] != tree_ids[i - 1]) f.roots.push_back(static_cast<uint32_t>(i));
    for (std::size_t i = 0; i < n; ++i) {
        auto& node = f.nodes[i];
        if (node.mode == NodeMode::kLeaf) continue;
        for (const auto& [child, id, branch] : {std::tuple{&node.true_child, true_ids[i], "true"},
                                                std::tuple{&node.false_child, false_ids[i], "false"}}) {
            const auto it = index.find({tree_ids[i], id});
            ctx.check(it != index.end(), describe(i), ": its ", branch, " branch, node ", id, ", is not in the tree");
            ctx.check(it->second != i, describe(i), ": its ", branch, " branch is itself");
            *child = it->second;
        }
    }

    // Weights, grouped by leaf in (tree, node) order; those of branch nodes are ignored (old onnxmltools wrote some).
    const auto w_tree = ctx.attr_ints(prefix + "_treeids"), w_node = ctx.attr_ints(prefix + "_nodeids");
    const auto w_id = ctx.attr_ints(prefix + "_ids");
    const auto w_value = numbers_attr<T>(ctx, prefix + "_weights");
    check_length(ctx, prefix + "_treeids", w_tree.size(), w_id.size());
    check_length(ctx, prefix + "_nodeids", w_node.size(), w_id.size());
    check_length(ctx, prefix + "_weights", w_value.size(), w_id.size());
    std::vector<std::size_t> order(w_id.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::pair{w_tree[a], w_node[a]} < std::pair{w_tree[b], w_node[b]};
    });
    for (std::size_t k : order) {
        const auto it = index.find({w_tree[k], w_node[k]});
        ctx.check(it != index.end(), prefix, " weight ", k, " is for node ", w_node[k], " of tree ", w_tree[k],
                  ", which does not exist");
        ctx.check(w_id[k] >= 0 && w_id[k] < targets, prefix, " weight ", k, " is for ", prefix, " ", w_id[k],
                  ", outside [0, ", targets, ")");
        auto& leaf = f.nodes[it->second];
        if (leaf.mode != NodeMode::kLeaf) continue;
        if (leaf.count == 0) leaf.first = static_cast<uint32_t>(f.weights.size());
        ++leaf.count;
        f.weights.push_back({w_id[k], w_value[k]});
    }
    for (std::size_t i = 0; i < n; ++i)
        ctx.check(f.nodes[i].mode != NodeMode::kLeaf || f.nodes[i].count > 0, describe(i),
                  " is a leaf without any weight");
    if (classifier) {
        classifier->weights_all_positive = std::all_of(w_value.begin(), w_value.end(), [](T v) { return !(v < 0); });
        classifier->binary = targets == 2 && !w_id.empty() &&
                             std::all_of(w_id.begin(), w_id.end(), [&](int64_t id) { return id == w_id[0]; });
    }
    const std::size_t bases = f.base_values.size();
    ctx.check(bases == 0 || bases == static_cast<std::size_t>(targets) || (classifier && targets == 2 && bases == 1),
              "base_values holds ", bases, " values, expected 0 or ", targets, " (one per ", prefix, ")");
    check_acyclic(ctx, f, describe);
    return f;
}

template <class T>
Forest<T> parse_forest_v5(const NodeContext& ctx, int64_t features) {
    Forest<T> f;
    f.targets = ctx.attr_int("n_targets", 0);
    ctx.check(f.targets > 0 && f.targets <= (int64_t{1} << 24), "n_targets must be positive, got ", f.targets);
    f.transform = post_transform_of(ctx, ctx.attr_int("post_transform", 0));
    const int64_t aggregate = ctx.attr_int("aggregate_function", 1);
    ctx.check(aggregate >= 0 && aggregate <= 3, "aggregate_function must be 0 to 3 (AVERAGE, SUM, MIN, MAX), got ",
              aggregate);
    f.aggregate = static_cast<Aggregate>(aggregate);
    const auto tensor = [&](const char* name, bool required) -> std::vector<T> {
        const Tensor* t = ctx.attr_tensor(name);
        ctx.check(t || !required, "required attribute '", name, "' is missing");
        return t ? tensor_numbers<T>(ctx, *t, name) : std::vector<T>{};
    };
    const auto splits = tensor("nodes_splits", true), leaf_weights = tensor("leaf_weights", true);
    const auto members = tensor("membership_values", false);
    const Tensor* modes_tensor = ctx.attr_tensor("nodes_modes");
    ctx.check(modes_tensor && modes_tensor->dtype() == DType::kUInt8, "nodes_modes must be a uint8 tensor");
    const auto modes = modes_tensor->span<uint8_t>();
    const auto feature_ids = ctx.attr_ints("nodes_featureids");
    const auto true_ids = ctx.attr_ints("nodes_truenodeids"), false_ids = ctx.attr_ints("nodes_falsenodeids");
    const auto true_leafs = ctx.attr_ints("nodes_trueleafs"), false_leafs = ctx.attr_ints("nodes_falseleafs");
    const auto missing = ctx.attr_ints("nodes_missing_value_tracks_true");
    const auto leaf_targets = ctx.attr_ints("leaf_targetids");
    const auto roots = ctx.attr_ints("tree_roots");
    const std::size_t n = feature_ids.size(), leaves = leaf_targets.size();
    ctx.check(n + leaves <= kMaxNodes, "the ensemble has too many nodes (", n + leaves, ")");
    for (const auto& [name, size] : {std::pair<const char*, std::size_t>{"nodes_splits", splits.size()},
                                     {"nodes_modes", modes.size()},
                                     {"nodes_truenodeids", true_ids.size()},
                                     {"nodes_falsenodeids", false_ids.size()},
                                     {"nodes_trueleafs", true_leafs.size()},
                                     {"nodes_falseleafs", false_leafs.size()}})
        check_length(ctx, name, size, n);
    check_length(ctx, "leaf_weights", leaf_weights.size(), leaves);
    ctx.check(missing.empty() || missing.size() == n, "nodes_missing_value_tracks_true holds ", missing.size(),
              " values for ", n, " nodes");
    ctx.check(!roots.empty(), "tree_roots is empty");

    // Nodes 0..n-1 are the branches, n.. the leaves (one weight each).
    f.nodes.resize(n + leaves);
    std::size_t member = 0;
    for (std::size_t i = 0; i < n; ++i) {
        auto& node = f.nodes[i];
        ctx.check(modes[i] <= 6, "nodes_modes[", i, "] is ", int{modes[i]}, ", expected 0 to 6");
        node.mode = static_cast<NodeMode>(modes[i]);
        node.threshold = splits[i];
        node.missing_true = !missing.empty() && missing[i] == 1;
        ctx.check(feature_ids[i] >= 0 && feature_ids[i] < features, "node ", i, " reads feature ", feature_ids[i],
                  ", outside the input's ", features, " features");
        node.feature = static_cast<int32_t>(feature_ids[i]);
        f.max_feature = std::max<int64_t>(f.max_feature, node.feature);
        for (const auto& [child, id, leaf, branch] :
             {std::tuple{&node.true_child, true_ids[i], true_leafs[i], "true"},
              std::tuple{&node.false_child, false_ids[i], false_leafs[i], "false"}}) {
            const std::size_t limit = leaf ? leaves : n;
            ctx.check(id >= 0 && static_cast<std::size_t>(id) < limit, "node ", i, ": its ", branch, " branch, ",
                      leaf ? "leaf " : "node ", id, ", is outside [0, ", limit, ")");
            ctx.check(leaf || static_cast<std::size_t>(id) != i, "node ", i, ": its ", branch, " branch is itself");
            *child = static_cast<uint32_t>(leaf ? n + static_cast<std::size_t>(id) : static_cast<std::size_t>(id));
        }
        if (node.mode != NodeMode::kMember) continue;
        // membership_values: the members of each BRANCH_MEMBER node in node order, each list ended by a NaN.
        node.first = static_cast<uint32_t>(f.members.size());
        while (member < members.size() && !std::isnan(static_cast<double>(members[member])))
            f.members.push_back(members[member++]);
        ++member;
        node.count = static_cast<uint32_t>(f.members.size() - node.first);
        ctx.check(node.count > 0, "BRANCH_MEMBER node ", i, " has no membership values");
    }
    for (std::size_t l = 0; l < leaves; ++l) {
        ctx.check(leaf_targets[l] >= 0 && leaf_targets[l] < f.targets, "leaf ", l, " is for target ", leaf_targets[l],
                  ", outside [0, ", f.targets, ")");
        auto& leaf = f.nodes[n + l];
        leaf.first = static_cast<uint32_t>(f.weights.size());
        leaf.count = 1;
        f.weights.push_back({leaf_targets[l], leaf_weights[l]});
    }
    for (int64_t root : roots) {
        ctx.check(root >= 0 && static_cast<std::size_t>(root) < n, "tree root ", root, " is outside [0, ", n, ")");
        const auto r = static_cast<std::size_t>(root);
        // A tree that is one leaf: a root whose two branches are the same leaf stands for leaf `root` (as onnxruntime
        // and the ONNX reference read it).
        if (true_leafs[r] && false_leafs[r] && true_ids[r] == false_ids[r]) {
            ctx.check(r < leaves, "tree root ", root, " is a single leaf outside [0, ", leaves, ")");
            f.roots.push_back(static_cast<uint32_t>(n + r));
        } else {
            f.roots.push_back(static_cast<uint32_t>(r));
        }
    }
    check_acyclic(ctx, f, [](std::size_t i) { return cat("node ", i); });
    return f;
}

template <class T, class Out>
void predict_regression(const Forest<T>& f, const Tensor& x, int64_t rows, Out* out) {
    const int64_t targets = f.targets, features = x.rank() == 1 ? x.dim(0) : x.dim(1);
    const auto trees = static_cast<T>(f.roots.size());
    const bool use_base = !f.base_values.empty();
    const T origin = f.base_values.size() == 1 ? f.base_values[0] : T(0);
    const auto combine = [&](Score<T>& s, T w) {
        switch (f.aggregate) {
            case Aggregate::kSum:
            case Aggregate::kAverage: s.value += w; break;
            case Aggregate::kMin: s.value = !s.has || w < s.value ? w : s.value; break;
            case Aggregate::kMax: s.value = !s.has || w > s.value ? w : s.value; break;
        }
        s.has = true;
    };
    dispatch_input<T>(x, [&]<class I>() {
        const I* data = x.data<I>();
        if (targets == 1) {
            // One target: each leaf counts with its first weight; only PROBIT transforms the score.
            for_each_leaf(
                f, data, rows, features, 1,
                [&](Score<T>* s, const typename Forest<T>::Node& leaf) { combine(*s, f.weights[leaf.first].value); },
                [&](Score<T>* s, int64_t r) {
                    T v = s->value;
                    if (f.aggregate == Aggregate::kAverage) v /= trees;
                    v = (f.aggregate == Aggregate::kMin || f.aggregate == Aggregate::kMax) && !s->has ? origin
                                                                                                      : v + origin;
                    out[r] = f.transform == PostTransform::kProbit ? static_cast<Out>(probit(static_cast<float>(v)))
                                                                   : static_cast<Out>(v);
                });
            return;
        }
        for_each_leaf(
            f, data, rows, features, targets,
            [&](Score<T>* s, const typename Forest<T>::Node& leaf) {
                for (uint32_t k = leaf.first; k < leaf.first + leaf.count; ++k)
                    combine(s[f.weights[k].target], f.weights[k].value);
            },
            [&](Score<T>* s, int64_t r) {
                // Targets that no leaf scored stay 0, without their base value (onnxruntime).
                std::vector<T> row(static_cast<std::size_t>(targets));
                for (int64_t t = 0; t < targets; ++t) {
                    if (!s[t].has) continue;
                    T v = s[t].value;
                    if (f.aggregate == Aggregate::kAverage) v /= trees;
                    row[static_cast<std::size_t>(t)] =
                        v + (use_base ? f.base_values[static_cast<std::size_t>(t)] : T(0));
                }
                write_row(row.data(), targets, f.transform, out + r * targets);
            });
    });
}

template <class T>
void predict_classes(const Forest<T>& f, const ClassifierInfo& info, const ClassLabels& labels, const Tensor& x,
                     int64_t rows, Tensor* label_out, float* scores) {
    const int64_t classes = f.targets, features = x.rank() == 1 ? x.dim(0) : x.dim(1);
    const auto& base = f.base_values;
    dispatch_input<T>(x, [&]<class I>() {
        for_each_leaf(
            f, x.data<I>(), rows, features, classes,
            [&](Score<T>* s, const typename Forest<T>::Node& leaf) {
                for (uint32_t k = leaf.first; k < leaf.first + leaf.count; ++k) {
                    s[f.weights[k].target].value += f.weights[k].value;
                    s[f.weights[k].target].has = true;
                }
            },
            [&](Score<T>* s, int64_t r) {
                float* z = scores + r * classes;
                if (classes > 2) {
                    for (std::size_t k = 0; k < base.size(); ++k) {
                        s[k].value = s[k].has ? s[k].value + base[k] : base[k];
                        s[k].has = true;
                    }
                    int64_t best = -1;
                    for (int64_t k = 0; k < classes; ++k)
                        if (s[k].has && (best < 0 || s[k].value > s[best].value)) best = k;
                    if (label_out) labels.write(*label_out, r, static_cast<std::size_t>(std::max<int64_t>(best, 0)));
                    std::vector<T> row(static_cast<std::size_t>(classes));
                    for (int64_t k = 0; k < classes; ++k)
                        row[static_cast<std::size_t>(k)] = s[k].value;
                    write_row(row.data(), classes, f.transform, z);
                    return;
                }
                // Two classes, as onnxruntime scores them.
                int count = 2;
                SecondClass second = SecondClass::kNone;
                if (base.size() == 2) {
                    if (s[1].has) {
                        s[1].value = base[1] + s[0].value;  // base_values[0] is not used
                        s[0].value = -s[1].value;
                    } else {
                        s[1].value += base[1];
                        s[0].value += base[0];
                    }
                } else if (base.size() == 1) {
                    s[0].value += base[0];
                    if (!s[1].has) count = 1;
                } else if (base.empty()) {
                    second = SecondClass::kNegate;
                    if (!s[1].has) count = 1;
                }
                const T positive = count == 2 && s[1].has ? s[1].value : (s[0].has ? s[0].value : T(0));
                bool is_positive;
                if (info.binary) {
                    is_positive = info.weights_all_positive ? positive > T(0.5) : positive > T(0);
                    second = info.weights_all_positive ? SecondClass::kComplement : SecondClass::kNegate;
                } else {
                    is_positive = positive > T(0);
                }
                if (label_out) {
                    if (info.binary || labels.is_string())
                        labels.write(*label_out, r, is_positive ? 1 : 0);
                    else
                        label_out->data<int64_t>()[r] = is_positive ? 1 : 0;  // onnxruntime writes 1/0, not the labels
                }
                if (count == 2) {
                    const T row[2] = {s[0].has ? s[0].value : T(0), s[1].has ? s[1].value : T(0)};
                    write_row(row, 2, f.transform, z);
                } else {
                    z[1] = 0;
                    write_binary(static_cast<float>(s[0].value), f.transform, second, z);
                }
            });
    });
}

#define KONNX_TREE_ENSEMBLE(T)                                                                                        \
    template Forest<T> parse_forest_v3<T>(const NodeContext&, const std::string&, int64_t, int64_t, ClassifierInfo*); \
    template Forest<T> parse_forest_v5<T>(const NodeContext&, int64_t);                                               \
    template void predict_regression<T, float>(const Forest<T>&, const Tensor&, int64_t, float*);                     \
    template void predict_regression<T, double>(const Forest<T>&, const Tensor&, int64_t, double*);                   \
    template void predict_classes<T>(const Forest<T>&, const ClassifierInfo&, const ClassLabels&, const Tensor&,      \
                                     int64_t, Tensor*, float*);
KONNX_TREE_ENSEMBLE(float)
KONNX_TREE_ENSEMBLE(double)
#undef KONNX_TREE_ENSEMBLE

}  // namespace konnx::ops::ml
