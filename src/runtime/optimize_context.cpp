// SPDX-License-Identifier: MIT
#include "runtime/optimize_context.hpp"

#include "ops/support/blocked_layout.hpp"
#include "ops/support/op.hpp"

namespace konnx::runtime {

graph::ValueTypes infer_value_types(const graph::Model& model) {
    graph::ValueTypes types;
    const graph::Graph& g = model.graph;
    for (const auto& [name, t] : g.initializers)
        types[name] = {t.dtype(), t.shape()};
    for (const graph::ValueInfo* in : g.runtime_inputs()) {
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

graph::OptimizeContext optimize_context() {
    graph::OptimizeContext context;
    context.infer_types = infer_value_types;
    context.conv_layout = ops::preferred_conv_layout();
    context.winograd = ops::winograd_available();
    return context;
}

}  // namespace konnx::runtime
