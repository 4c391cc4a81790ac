// SPDX-License-Identifier: MIT
// The facts graph::optimize needs from outside src/graph: value shapes (through the ops' shape
// functions) and what oneDNN prefers on this CPU.
#pragma once

#include "graph/passes/passes.hpp"

namespace konnx::runtime {

/// dtype and shape of every value computable from the graph's input shapes; values whose shape depends
/// on data are left out, and all of them when an input has no shape. A dim that depends on a free input
/// dim (a symbolic batch) is a negative id: equal ids mean equal sizes for every value of the free dims
/// (checked at two probe sizes), so passes can compare such shapes but never use them as sizes.
graph::ValueTypes infer_value_types(const graph::Model& model);

/// The context for graph::optimize on this machine.
graph::OptimizeContext optimize_context();

}  // namespace konnx::runtime
