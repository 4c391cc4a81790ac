// SPDX-License-Identifier: MIT
// Tensors for the CLI: read .npy/.pb, synthesize seeded inputs, summarize outputs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "konnx/session.hpp"

namespace konnx::cli {

/// Reads a .npy or ONNX TensorProto .pb file (chosen by extension, then by magic bytes).
Tensor read_tensor_file(const std::string& path);

/// Reads one input of a model's declared `kind`: a sequence or optional input from its SequenceProto or
/// OptionalProto .pb, anything else as read_tensor_file does. `name` (when given) gets the name a .pb records.
Tensor read_input_file(const std::string& path, DType kind, std::string* name = nullptr);

/// Seeded synthetic input for `info`: floats ~ N(0,1), integers in [0, 10), bools 50/50.
/// Unknown dims become `dynamic_dim`.
Tensor synthetic_input(const TensorInfo& info, uint64_t seed, int64_t dynamic_dim = 1);

/// name, shape, dtype, min/max/mean (as JSON and as one text line).
nlohmann::json summarize(const std::string& name, const Tensor& t);
std::string summary_line(const nlohmann::json& summary);

/// File-safe version of an output name: characters outside A-Za-z0-9._- become '_' (so no '/' and never
/// "." or ".."), at most 200 bytes: `run --output-dir` can only write inside its folder.
std::string sanitize_filename(const std::string& name);

}  // namespace konnx::cli
