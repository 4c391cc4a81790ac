// SPDX-License-Identifier: MIT
#include "graph/passes/pass_util.hpp"

#include <algorithm>

#include "graph/internal_ops.hpp"

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

const Tensor* constant_tensor(const Graph& g, const std::string& value) {
    if (const Tensor* t = g.find_initializer(value)) return t;
    for (const auto& n : g.nodes)
        if (n.op_type == "Constant" && is_onnx_domain(n.domain) && n.outputs.size() == 1 && n.outputs[0] == value)
            if (const Attribute* a = n.find_attr("value"); a && a->kind == Attribute::Kind::kTensor) return &a->t;
    return nullptr;
}

std::optional<std::vector<float>> constant_floats(const Graph& g, const std::string& value) {
    const Tensor* t = constant_tensor(g, value);
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

bool is_winograd_conv(const Graph& g, const Node& n) {
    if (!is_fused_conv(n) && !is_fusable_conv(g, n)) return false;
    const Tensor* w = g.find_initializer(n.inputs[1]);
    if (!w || w->rank() != 4 || w->shape()[2] != 3 || w->shape()[3] != 3) return false;
    const auto ones = [&](const char* name) {
        const Attribute* a = n.find_attr(name);
        return !a || std::all_of(a->ints.begin(), a->ints.end(), [](int64_t v) { return v == 1; });
    };
    const Attribute* group = n.find_attr("group");
    return ones("strides") && ones("dilations") && (!group || group->i == 1);
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
