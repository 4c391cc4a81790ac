// SPDX-License-Identifier: MIT
// Identity and Dropout (inference: mask unused, ratio irrelevant) forward their input unchanged.
#include <unordered_map>
#include <unordered_set>

#include "graph/passes/passes.hpp"

namespace konnx::graph {

bool remove_identities(Model& model) {
    Graph& g = model.graph;
    std::unordered_set<std::string> graph_outputs;
    for (const auto& o : g.outputs)
        graph_outputs.insert(o.name);
    std::unordered_map<std::string, std::string> replace;  // removed output -> its source
    std::vector<Node> kept;
    kept.reserve(g.nodes.size());
    for (auto& node : g.nodes) {
        const bool dropout = node.op_type == "Dropout" && (node.outputs.size() < 2 || node.outputs[1].empty()) &&
                             (node.inputs.size() < 3 || node.inputs[2].empty());
        const bool removable = node.domain.empty() && (node.op_type == "Identity" || dropout) && !node.inputs.empty() &&
                               !node.inputs[0].empty() && node.outputs.size() >= 1 &&
                               !graph_outputs.count(node.outputs[0]);
        if (removable) {
            std::string source = node.inputs[0];
            if (auto it = replace.find(source); it != replace.end()) source = it->second;
            replace[node.outputs[0]] = source;
            continue;
        }
        for (auto& in : node.inputs)
            if (auto it = replace.find(in); it != replace.end()) in = it->second;
        kept.push_back(std::move(node));
    }
    const bool changed = kept.size() != g.nodes.size();
    g.nodes = std::move(kept);
    // Subgraph bodies may name removed values from this scope.
    if (changed)
        for (auto& node : g.nodes)
            for (auto& [key, a] : node.attributes) {
                auto rewrite = [&](Graph& body) {
                    for (auto& inner : body.nodes)
                        for (auto& in : inner.inputs)
                            if (auto it = replace.find(in); it != replace.end()) in = it->second;
                };
                if (a.g) rewrite(*a.g);
                for (auto& sub : a.graphs)
                    rewrite(*sub);
            }
    return changed;
}

}  // namespace konnx::graph
