// SPDX-License-Identifier: MIT
// Small helpers shared by the fusion and layout passes: who produces and who reads each value,
// constant lookups, conv predicates.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/ir.hpp"

namespace konnx::graph {

/// Producer node index and readers (node index, input slot) of every value, graph outputs counted apart.
struct ValueUses {
    explicit ValueUses(const Graph& g);
    std::unordered_map<std::string, std::size_t> producer;
    std::unordered_map<std::string, std::vector<std::pair<std::size_t, std::size_t>>> readers;
    std::unordered_map<std::string, int> graph_outputs;
    /// Read by exactly one node input and not a graph output.
    bool single_reader(const std::string& value) const;
};

/// The tensor of a constant value (initializer or Constant node's `value`), or nullptr.
const Tensor* constant_tensor(const Graph& g, const std::string& value);

/// The float data of a constant value (initializer or Constant node), or nullopt.
std::optional<std::vector<float>> constant_floats(const Graph& g, const std::string& value);

/// A plain ONNX Conv the fusion passes may rewrite: float32 constant weights of rank >= 3 and a
/// constant bias (or none).
bool is_fusable_conv(const Graph& g, const Node& n);

/// Turns a fusable Conv into FusedConv (same inputs and attributes, internal domain); no-op for a FusedConv.
void make_fused_conv(Model& model, Node& n);
bool is_fused_conv(const Node& n);

/// A 2-D Conv/FusedConv with constant 3x3 weights, stride 1, no dilation, ungrouped: Winograd's shape
/// (ResNet's middle convolutions).
bool is_winograd_conv(const Graph& g, const Node& n);

/// Removes the nodes whose index is marked, keeping the order of the rest.
void erase_nodes(Graph& g, const std::vector<bool>& dead);

}  // namespace konnx::graph
