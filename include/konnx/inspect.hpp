// SPDX-License-Identifier: MIT
// konnx::inspect_model: what an ONNX model declares and contains, without planning or running it.
//
//   konnx::ModelSummary s = konnx::inspect_model("resnet50.onnx");
//   std::cout << s.parameter_count << " parameters, " << s.nodes << " nodes\n";
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "konnx/session.hpp"

namespace konnx {

struct ModelSummary {
    ModelInfo info;  ///< IR version, opsets, producer, graph name, doc string, metadata
    int64_t model_version = 0;
    std::string domain;
    std::vector<TensorInfo> inputs;  ///< the inputs a caller feeds (initializers excluded)
    std::vector<TensorInfo> outputs;
    int64_t nodes = 0;                                          ///< all nodes, subgraphs included
    std::vector<std::pair<std::string, int64_t>> op_histogram;  ///< "Conv" or "domain.Op" -> count, most used first
    int64_t initializers = 0;     ///< initializer tensors (Constant nodes' values count as parameters too)
    int64_t parameter_count = 0;  ///< elements of all initializers and Constant values
    int64_t parameter_bytes = 0;  ///< their size in memory
    std::string unsupported;      ///< "" if konnx implements every op, else the load error naming them
};

/// Reads a .onnx file (external data in its folder) and summarizes it. Throws konnx::Error.
ModelSummary inspect_model(const std::string& path);
/// Summarizes a serialized ModelProto.
ModelSummary inspect_model(std::span<const std::byte> bytes);

}  // namespace konnx
