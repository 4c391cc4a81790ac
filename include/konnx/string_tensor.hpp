// SPDX-License-Identifier: MIT
// String tensors (ONNX element type STRING): Tensors of dtype DType::kString whose elements are std::string, made
// and read with these functions (their nbytes() is 0: the strings live in the tensor's owner). konnx runs graphs
// holding them in its dynamic executor, and only ops that declare they handle strings accept them (Cast, Gather,
// Equal, the string ops, the ai.onnx.ml encoders and classifiers, ...).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "konnx/tensor.hpp"

namespace konnx {

/// A string tensor of `shape` holding `values` (row-major; their count must match the shape).
Tensor make_string_tensor(Shape shape, std::vector<std::string> values);
/// The elements of a string tensor (throws kInvalidArgument for other tensors).
std::span<const std::string> string_values(const Tensor& tensor);
/// Writable elements of a string tensor that a kernel is filling.
std::span<std::string> mutable_string_values(Tensor& tensor);

}  // namespace konnx
