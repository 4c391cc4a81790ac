// SPDX-License-Identifier: MIT
// Load-time checks: every op is known (all missing ones listed at once), names are unique,
// every input is defined, and the nodes are sorted topologically (cycles rejected).
#pragma once

#include "graph/ir.hpp"
#include "ops/support/op.hpp"

namespace konnx::runtime {

/// Sorts graph.nodes topologically in place and checks names; throws kInvalidModel.
/// `outer_scope` lists names visible from enclosing graphs (for subgraphs).
void sort_and_check_graph(graph::Graph& graph, const std::vector<std::string>& outer_scope = {});

/// Throws kUnsupported listing every (op, domain, opset) the registry lacks, subgraphs included.
void check_ops_supported(const graph::Model& model, const ops::OpRegistry& registry);

}  // namespace konnx::runtime
