// SPDX-License-Identifier: MIT
// ONNX ModelProto / TensorProto <-> IR. The only place (with export) that includes protobuf headers.
#pragma once

#include <span>
#include <string>

#include "graph/ir.hpp"

namespace konnx::onnxio {

/// Reads a .onnx file; external data is resolved only inside the model's folder.
graph::Model load_model(const std::string& path);
/// Parses a serialized ModelProto. `base_dir` is where external data may live ("" forbids external data).
graph::Model parse_model(std::span<const std::byte> bytes, const std::string& base_dir = "");

/// Serializes the IR to a ModelProto.
std::string serialize_model(const graph::Model& model);

/// ONNX TensorProto files (.pb), as in ONNX's backend test data.
Tensor parse_tensor(std::span<const std::byte> bytes, std::string* name = nullptr);
Tensor read_tensor(const std::string& path, std::string* name = nullptr);
std::string serialize_tensor(const Tensor& tensor, const std::string& name = "");
/// A TensorProto, SequenceProto, OptionalProto or MapProto file, as `kind` says (kSequenceType, kOptionalType,
/// kMapType, else a tensor): sequences, optionals and maps come back as konnx/sequence.hpp values.
Tensor parse_value(std::span<const std::byte> bytes, DType kind, std::string* name = nullptr);
Tensor read_value(const std::string& path, DType kind, std::string* name = nullptr);

}  // namespace konnx::onnxio
