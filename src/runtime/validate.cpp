// SPDX-License-Identifier: MIT
#include "runtime/validate.hpp"

#include <set>
#include <unordered_map>
#include <unordered_set>

namespace konnx::runtime {

void sort_and_check_graph(graph::Graph& g, const std::vector<std::string>& outer_scope) {
    std::unordered_map<std::string, std::size_t> producer;  // value -> node index
    std::unordered_set<std::string> available(outer_scope.begin(), outer_scope.end());
    for (const auto& in : g.inputs)
        available.insert(in.name);
    for (const auto& [name, t] : g.initializers)
        available.insert(name);
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        for (const auto& out : g.nodes[i].outputs) {
            if (out.empty()) continue;
            if (producer.count(out) || (available.count(out) && !g.initializers.count(out)))
                fail(ErrorCode::kInvalidModel, g.nodes[i].describe(), ": output '", out, "' is defined more than once");
            producer[out] = i;
        }

    // Kahn's algorithm, stable: keeps the file's order when it is already valid.
    const std::size_t n = g.nodes.size();
    std::vector<int> pending(n, 0);
    std::vector<std::vector<std::size_t>> users(n);
    auto scope_names = [](const graph::Node& node) {
        // Subgraph bodies may read outer values implicitly: count those as dependencies too.
        std::vector<std::string> names = node.inputs;
        for (const auto& [key, a] : node.attributes) {
            std::vector<const graph::Graph*> bodies;
            if (a.g) bodies.push_back(a.g.get());
            for (const auto& sub : a.graphs)
                bodies.push_back(sub.get());
            for (const auto* body : bodies)
                for (const auto& inner : body->nodes)
                    names.insert(names.end(), inner.inputs.begin(), inner.inputs.end());
        }
        return names;
    };
    for (std::size_t i = 0; i < n; ++i) {
        std::set<std::size_t> deps;
        for (const auto& in : scope_names(g.nodes[i])) {
            if (in.empty()) continue;
            auto it = producer.find(in);
            if (it != producer.end() && it->second != i) deps.insert(it->second);
        }
        for (const auto& in : g.nodes[i].inputs) {
            if (in.empty() || producer.count(in) || available.count(in)) continue;
            fail(ErrorCode::kInvalidModel, g.nodes[i].describe(), ": input '", in,
                 "' is not produced by any node, input or initializer");
        }
        pending[i] = static_cast<int>(deps.size());
        for (auto d : deps)
            users[d].push_back(i);
    }
    std::vector<std::size_t> order;
    order.reserve(n);
    std::set<std::size_t> ready;
    for (std::size_t i = 0; i < n; ++i)
        if (pending[i] == 0) ready.insert(i);
    while (!ready.empty()) {
        const std::size_t i = *ready.begin();
        ready.erase(ready.begin());
        order.push_back(i);
        for (auto u : users[i])
            if (--pending[u] == 0) ready.insert(u);
    }
    if (order.size() != n) {
        for (std::size_t i = 0; i < n; ++i)
            if (pending[i] > 0) fail(ErrorCode::kInvalidModel, "the graph has a cycle through ", g.nodes[i].describe());
    }
    std::vector<graph::Node> sorted;
    sorted.reserve(n);
    for (auto i : order)
        sorted.push_back(std::move(g.nodes[i]));
    g.nodes = std::move(sorted);

    for (const auto& out : g.outputs)
        if (!producer.count(out.name) && !available.count(out.name))
            fail(ErrorCode::kInvalidModel, "graph output '", out.name, "' is not produced by any node");

    // Recurse into subgraphs with this scope visible.
    std::vector<std::string> scope(outer_scope);
    for (const auto& name : available)
        scope.push_back(name);
    for (const auto& [name, i] : producer)
        scope.push_back(name);
    for (auto& node : g.nodes)
        for (auto& [key, a] : node.attributes) {
            if (a.g) sort_and_check_graph(*a.g, scope);
            for (auto& sub : a.graphs)
                sort_and_check_graph(*sub, scope);
        }
}

namespace {
void collect_missing(const graph::Graph& g, const graph::Model& model, const ops::OpRegistry& registry,
                     std::set<std::string>& missing) {
    for (const auto& node : g.nodes) {
        const auto opset = model.opset(node.domain);
        if (!opset) {
            missing.insert(cat(node.op_type, " (domain '", node.domain, "' not imported by the model)"));
        } else if (!registry.find(node.domain, node.op_type, *opset)) {
            missing.insert(cat(node.op_type, " (domain '", node.domain.empty() ? "ai.onnx" : node.domain, "', opset ",
                               *opset, ")"));
        }
        for (const auto& [key, a] : node.attributes) {
            if (a.g) collect_missing(*a.g, model, registry, missing);
            for (const auto& sub : a.graphs)
                collect_missing(*sub, model, registry, missing);
        }
    }
}
}  // namespace

void check_ops_supported(const graph::Model& model, const ops::OpRegistry& registry) {
    std::set<std::string> missing;
    collect_missing(model.graph, model, registry, missing);
    if (!missing.empty())
        fail(ErrorCode::kUnsupported, "the model uses ", missing.size(), " op", missing.size() == 1 ? "" : "s",
             " konnx does not implement: ", join(missing, "; "));
}

}  // namespace konnx::runtime
