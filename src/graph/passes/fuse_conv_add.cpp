// SPDX-License-Identifier: MIT
// Residual connections: Add(Conv(...), z) with z of the same shape becomes FusedConv(..., Z = z), the
// addition done in the convolution's epilogue (oneDNN binary post-op) instead of another pass over
// memory. Needs fixed input shapes to prove the two operands have one shape (no broadcasting); the
// fused node takes the Add's place in the node order, so z is always computed before it.
#include "graph/passes/pass_util.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {

bool fuse_conv_add(Model& model, const ValueTypes& types) {
    Graph& g = model.graph;
    if (types.empty()) return false;
    const ValueUses uses(g);
    std::vector<bool> dead(g.nodes.size(), false);
    bool changed = false;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& add = g.nodes[i];
        if (add.op_type != "Add" || !is_onnx_domain(add.domain) || add.inputs.size() != 2 || add.outputs.size() != 1)
            continue;
        auto type_of = [&](const std::string& v) { return types.find(v); };
        const auto out = type_of(add.outputs[0]);
        if (out == types.end() || out->second.dtype != DType::kFloat32) continue;
        for (std::size_t side = 0; side < 2; ++side) {
            const std::string &conv_out = add.inputs[side], &other = add.inputs[1 - side];
            if (conv_out == other) continue;
            auto p = uses.producer.find(conv_out);
            if (p == uses.producer.end() || dead[p->second] || !uses.single_reader(conv_out)) continue;
            Node& conv = g.nodes[p->second];
            if (!is_fused_conv(conv) && !is_fusable_conv(g, conv)) continue;
            if (conv.inputs.size() > 3 && !conv.inputs[3].empty()) continue;  // already adds one
            if (const Attribute* a = conv.find_attr("post_activation"); a && !a->s.empty()) continue;
            const auto a = type_of(conv_out), b = type_of(other);
            if (a == types.end() || b == types.end() || a->second.shape != out->second.shape ||
                b->second.shape != out->second.shape || b->second.dtype != DType::kFloat32)
                continue;
            Node fused = std::move(conv);
            make_fused_conv(model, fused);
            fused.inputs.resize(4);
            fused.inputs[3] = other;
            fused.outputs[0] = add.outputs[0];
            dead[p->second] = true;
            g.nodes[i] = std::move(fused);
            changed = true;
            break;
        }
    }
    if (changed) erase_nodes(g, dead);
    return changed;
}

}  // namespace konnx::graph
