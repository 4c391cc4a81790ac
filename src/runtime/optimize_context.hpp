// SPDX-License-Identifier: MIT
// The facts graph::optimize needs from outside src/graph: value shapes (through the ops' shape
// functions) and what oneDNN prefers on this CPU.
#pragma once

#include "graph/passes/passes.hpp"

namespace konnx::runtime {

/// dtype and shape of every value computable from the graph's fixed input shapes (empty map when an
/// input shape is not fixed); values whose shape depends on data are left out.
graph::ValueTypes infer_value_types(const graph::Model& model);

/// The context for graph::optimize on this machine.
graph::OptimizeContext optimize_context();

}  // namespace konnx::runtime
