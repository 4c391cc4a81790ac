// SPDX-License-Identifier: MIT
// NumPy .npy files (format 1.0-3.0, little-endian, C order) <-> Tensor.
#pragma once

#include <span>
#include <string>

#include "konnx/tensor.hpp"

namespace konnx {

/// Parses a whole .npy image; throws kInvalidModel with the reason on anything malformed.
Tensor parse_npy(std::span<const std::byte> bytes);
Tensor read_npy(const std::string& path);
/// Writes atomically (temporary file + rename).
void write_npy(const std::string& path, const Tensor& tensor);
std::string encode_npy(const Tensor& tensor);

}  // namespace konnx
