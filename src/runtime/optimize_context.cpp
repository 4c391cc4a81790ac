// SPDX-License-Identifier: MIT
#include "runtime/optimize_context.hpp"

#include <map>
#include <optional>

#include "ops/support/blocked_layout.hpp"
#include "ops/support/op.hpp"

namespace konnx::runtime {

namespace {

// Shapes with every free input dim replaced by `free_dim(k)` (k counts the distinct symbols; unnamed
// free dims each count as their own); nullopt when an input has no shape at all.
template <class FreeDim>
std::optional<graph::ValueTypes> infer_with(const graph::Model& model, FreeDim free_dim) {
    graph::ValueTypes types;
    const graph::Graph& g = model.graph;
    for (const auto& [name, t] : g.initializers)
        types[name] = {t.dtype(), t.shape()};
    std::map<std::string, int64_t> symbols;
    int64_t count = 0;
    for (const graph::ValueInfo* in : g.runtime_inputs()) {
        if (!in->has_shape) return std::nullopt;
        Shape shape;
        for (const Dim& d : in->shape) {
            if (d.is_fixed()) {
                shape.push_back(d.size);
                continue;
            }
            const int64_t k = d.symbol.empty() ? count++ : symbols.try_emplace(d.symbol, count).first->second;
            if (k == count) ++count;  // a new symbol
            shape.push_back(free_dim(k));
        }
        types[in->name] = {in->dtype, shape};
    }
    const auto& registry = ops::OpRegistry::global();
    std::vector<ops::ValueFacts> in_facts, out_facts;
    std::vector<Tensor> out_values;
    for (const graph::Node& node : g.nodes) {
        const auto opset = model.opset(node.domain);
        const ops::OpDef* op = opset ? registry.find(node.domain, node.op_type, *opset) : nullptr;
        if (!op) continue;
        in_facts.assign(node.inputs.size(), {});
        bool known = true;
        for (std::size_t i = 0; i < node.inputs.size() && known; ++i) {
            if (node.inputs[i].empty()) continue;
            auto it = types.find(node.inputs[i]);
            if (it == types.end()) {
                known = false;
                break;
            }
            in_facts[i] = {it->second.dtype, it->second.shape, g.find_initializer(node.inputs[i])};
        }
        if (!known) continue;
        out_facts.assign(node.outputs.size(), {});
        out_values.assign(node.outputs.size(), {});
        try {
            ops::InferContext ctx(node, *opset, in_facts, out_facts, out_values);
            op->infer(ctx);
        } catch (...) {  // data-dependent or invalid: the planner reports real errors later
            continue;
        }
        for (std::size_t i = 0; i < node.outputs.size(); ++i)
            if (!node.outputs[i].empty() && out_facts[i].dtype != DType::kUndefined)
                types[node.outputs[i]] = {out_facts[i].dtype, out_facts[i].shape};
    }
    return types;
}

bool has_free_dims(const graph::Graph& g) {
    for (const graph::ValueInfo* in : g.runtime_inputs())
        for (const Dim& d : in->shape)
            if (!d.is_fixed()) return true;
    return false;
}

}  // namespace

graph::ValueTypes infer_value_types(const graph::Model& model) {
    // Fixed input shapes: one pass, every dim known.
    if (!has_free_dims(model.graph))
        return infer_with(model, [](int64_t) { return int64_t{0}; }).value_or(graph::ValueTypes{});
    // Free dims (a symbolic batch): two probes give each free dim different sizes (symbol k: 2 + k, then
    // 11 + 3k; never 1, which broadcasting treats specially). A dim that comes out the same in both is
    // known; one that differs depends on the free dims and becomes a negative id, one per (probe a,
    // probe b) pair, so two shapes compare equal exactly when they agree under both probes: [N, 64] and
    // [N, 64] do, [N, 64] and [1, 64] or [2N, 64] do not. A value missing from either probe is left out.
    const auto a = infer_with(model, [](int64_t k) { return 2 + k; });
    const auto b = infer_with(model, [](int64_t k) { return 11 + 3 * k; });
    if (!a || !b) return {};
    graph::ValueTypes types;
    std::map<std::pair<int64_t, int64_t>, int64_t> ids;
    for (const auto& [name, ta] : *a) {
        const auto it = b->find(name);
        if (it == b->end() || it->second.dtype != ta.dtype || it->second.shape.size() != ta.shape.size()) continue;
        Shape shape(ta.shape.size());
        for (std::size_t d = 0; d < shape.size(); ++d) {
            const int64_t x = ta.shape[d], y = it->second.shape[d];
            shape[d] = x == y ? x : ids.emplace(std::pair{x, y}, -1 - static_cast<int64_t>(ids.size())).first->second;
        }
        types[name] = {ta.dtype, std::move(shape)};
    }
    return types;
}

graph::OptimizeContext optimize_context() {
    graph::OptimizeContext context;
    context.infer_types = infer_value_types;
    context.conv_layout = ops::preferred_conv_layout();
    context.winograd = ops::winograd_available();
    return context;
}

}  // namespace konnx::runtime
