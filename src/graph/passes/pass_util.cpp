// SPDX-License-Identifier: MIT
#include "graph/passes/pass_util.hpp"

#include <algorithm>

#include "graph/internal_ops.hpp"
#include "ops/support/op.hpp"

namespace konnx::graph {

ValueUses::ValueUses(const Graph& g) {
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        for (std::size_t s = 0; s < g.nodes[i].inputs.size(); ++s)
            if (!g.nodes[i].inputs[s].empty()) readers[g.nodes[i].inputs[s]].emplace_back(i, s);
        for (const auto& o : g.nodes[i].outputs)
            if (!o.empty()) producer[o] = i;
    }
    for (const auto& o : g.outputs)
        ++graph_outputs[o.name];
}

bool ValueUses::single_reader(const std::string& value) const {
    auto it = readers.find(value);
    return it != readers.end() && it->second.size() == 1 && !graph_outputs.count(value);
}

std::optional<std::vector<float>> constant_floats(const Graph& g, const std::string& value) {
    const Tensor* t = g.find_initializer(value);
    if (!t) {
        for (const auto& n : g.nodes)
            if (n.op_type == "Constant" && is_onnx_domain(n.domain) && n.outputs.size() == 1 && n.outputs[0] == value)
                if (const Attribute* a = n.find_attr("value"); a && a->kind == Attribute::Kind::kTensor) t = &a->t;
    }
    if (!t || t->dtype() != DType::kFloat32) return std::nullopt;
    return t->to_vector<float>();
}

bool is_fused_conv(const Node& n) { return n.op_type == "FusedConv" && n.domain == kInternalDomain; }

bool is_fusable_conv(const Graph& g, const Node& n) {
    if (n.op_type != "Conv" || !is_onnx_domain(n.domain) || n.inputs.size() < 2 || n.outputs.size() != 1) return false;
    const Tensor* w = g.find_initializer(n.inputs[1]);
    if (!w || w->dtype() != DType::kFloat32 || w->rank() < 3) return false;
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
        const Tensor* b = g.find_initializer(n.inputs[2]);
        if (!b || b->dtype() != DType::kFloat32) return false;
    }
    return true;
}

void make_fused_conv(Model& model, Node& n) {
    if (is_fused_conv(n)) return;
    n.op_type = "FusedConv";
    n.domain = kInternalDomain;
    if (!model.opset(kInternalDomain)) model.opsets.push_back({kInternalDomain, kInternalOpset});
}

std::unordered_map<std::string, ValueType> infer_value_types(const Model& model) {
    std::unordered_map<std::string, ValueType> types;
    const Graph& g = model.graph;
    for (const auto& [name, t] : g.initializers)
        types[name] = {t.dtype(), t.shape()};
    for (const ValueInfo* in : g.runtime_inputs()) {
        if (!in->has_shape) return {};
        Shape shape;
        for (const Dim& d : in->shape) {
            if (!d.is_fixed()) return {};
            shape.push_back(d.size);
        }
        types[in->name] = {in->dtype, shape};
    }
    const auto& registry = ops::OpRegistry::global();
    std::vector<ops::ValueFacts> in_facts, out_facts;
    std::vector<Tensor> out_values;
    for (const Node& node : g.nodes) {
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

void erase_nodes(Graph& g, const std::vector<bool>& dead) {
    std::size_t keep = 0;
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        if (!dead[i]) {
            if (keep != i) g.nodes[keep] = std::move(g.nodes[i]);
            ++keep;
        }
    g.nodes.resize(keep);
}

}  // namespace konnx::graph
