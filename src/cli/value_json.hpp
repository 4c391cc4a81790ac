// SPDX-License-Identifier: MIT
// Non-tensor outputs for the CLI: maps and sequences of maps (ZipMap's output: one map per row, class label ->
// probability) as JSON, the way Python's json.dumps writes the list of dicts onnxruntime returns for them.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "konnx/tensor.hpp"

namespace konnx::cli {

/// "sequence(map(int64,float))", "map(string,float)", "float32", ...: the ONNX type of a value.
std::string value_type_name(const Tensor& value);
/// True for maps and sequences of maps, which `run --output-dir` writes as DIR/<name>.json.
bool is_map_value(const Tensor& value);
/// A map as a JSON object (keys as JSON strings: "0", "1", ... for int64 keys; float values as their shortest
/// round-trip decimal), a sequence of maps as a list of them.
nlohmann::ordered_json map_json(const Tensor& value);

}  // namespace konnx::cli
