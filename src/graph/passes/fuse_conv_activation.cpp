// SPDX-License-Identifier: MIT
// Conv -> activation becomes one FusedConv whose epilogue applies the activation (oneDNN eltwise
// post-op): the activation no longer reads and writes the whole tensor a second time. A FusedConv
// that already adds a residual (fuse_conv_add) takes a following activation as post_activation.
// Fused: Relu, LeakyRelu, Clip (constant bounds), Sigmoid, HardSigmoid, HardSwish, Tanh, Elu.
#include <limits>

#include "graph/passes/pass_util.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {
namespace {

// The activation's name and parameters as FusedConv expects them, or nullopt when not fusable.
std::optional<std::pair<std::string, std::vector<float>>> activation_of(const Model& model, const Node& n) {
    if (!is_onnx_domain(n.domain) || n.outputs.size() != 1 || n.inputs.empty()) return std::nullopt;
    const auto attr_f = [&](const char* name, float fallback) {
        const Attribute* a = n.find_attr(name);
        return a ? a->f : fallback;
    };
    const std::string& op = n.op_type;
    if (op == "Relu" || op == "Sigmoid" || op == "HardSwish" || op == "Tanh")
        return std::pair{op, std::vector<float>{}};
    if (op == "LeakyRelu") return std::pair{op, std::vector<float>{attr_f("alpha", 0.01f)}};
    if (op == "Elu") return std::pair{op, std::vector<float>{attr_f("alpha", 1.f)}};
    if (op == "HardSigmoid") return std::pair{op, std::vector<float>{attr_f("alpha", 0.2f), attr_f("beta", 0.5f)}};
    if (op == "Clip") {
        float lo = std::numeric_limits<float>::lowest(), hi = std::numeric_limits<float>::max();
        if (model.opset("").value_or(1) < 11) {
            lo = attr_f("min", lo);
            hi = attr_f("max", hi);
        } else {
            for (std::size_t i = 1; i < 3; ++i) {
                if (i >= n.inputs.size() || n.inputs[i].empty()) continue;
                const auto v = constant_floats(model.graph, n.inputs[i]);
                if (!v || v->size() != 1) return std::nullopt;  // bounds computed at run time
                (i == 1 ? lo : hi) = (*v)[0];
            }
        }
        return std::pair{op, std::vector<float>{lo, hi}};
    }
    return std::nullopt;
}

}  // namespace

bool fuse_conv_activation(Model& model) {
    Graph& g = model.graph;
    const ValueUses uses(g);
    std::vector<bool> dead(g.nodes.size(), false);
    bool changed = false;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& act = g.nodes[i];
        const auto fused = activation_of(model, act);
        if (!fused) continue;
        auto p = uses.producer.find(act.inputs[0]);
        if (p == uses.producer.end() || dead[p->second] || !uses.single_reader(act.inputs[0])) continue;
        Node& conv = g.nodes[p->second];
        if (!is_fused_conv(conv) && !is_fusable_conv(g, conv)) continue;
        const bool has_sum = conv.inputs.size() > 3 && !conv.inputs[3].empty();
        const char* slot = has_sum ? "post_activation" : "activation";
        if (const Attribute* a = conv.find_attr(slot); a && !a->s.empty()) continue;  // already has one
        make_fused_conv(model, conv);
        conv.set_attr(slot, Attribute::of_string(fused->first));
        if (!fused->second.empty()) conv.set_attr(std::string(slot) + "_params", Attribute::of_floats(fused->second));
        conv.outputs[0] = act.outputs[0];
        dead[i] = true;
        changed = true;
    }
    if (changed) erase_nodes(g, dead);
    return changed;
}

}  // namespace konnx::graph
