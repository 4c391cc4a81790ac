// SPDX-License-Identifier: MIT
// Test helper for the shape/data-movement ops: single-node runs whose parameter inputs are initializers,
// so the planner folds them and the planned (not dynamic) path is exercised.
#pragma once

#include <string>
#include <vector>

#include "core/strings.hpp"
#include "support/test_support.hpp"

namespace konnx::test {

/// Runs `op` with inputs from index `first_const` on stored as initializers.
inline std::vector<Tensor> run_with_constants(const std::string& op, const std::vector<Tensor>& inputs,
                                              std::size_t first_const,
                                              std::vector<std::pair<std::string, graph::Attribute>> attributes = {},
                                              int opset = 17, std::size_t outputs = 1) {
    auto model = single_node_model(op, inputs, outputs, std::move(attributes), opset);
    for (std::size_t i = first_const; i < inputs.size(); ++i) {
        if (!inputs[i].defined()) continue;
        const std::string name = cat("x", i);
        model.graph.initializers[name] = inputs[i];
        std::erase_if(model.graph.inputs, [&](const graph::ValueInfo& v) { return v.name == name; });
    }
    Session session = session_from_model(model);
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (std::size_t i = 0; i < first_const; ++i)
        feeds.emplace_back(cat("x", i), inputs[i]);
    return session.run(feeds);
}

}  // namespace konnx::test
