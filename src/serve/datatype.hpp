// SPDX-License-Identifier: MIT
// KServe v2 tensor datatypes ("FP32", "INT64", "BYTES", ...) <-> konnx DTypes, and the tensor helpers both
// transports share: element-count checks before allocating, row slicing and concatenation for batching.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "konnx/tensor.hpp"

namespace konnx::serve {

/// "FP32" for kFloat32, "BYTES" for kString; "" for types the protocol has no name for.
std::string_view datatype_name(DType dtype);
/// The DType of a protocol datatype name, or nullopt for an unknown name.
std::optional<DType> datatype_from_name(std::string_view name);

/// Checks a request's shape (non-negative dims, element count within `max_elements`) and returns its element
/// count; ServeError(kInvalidArgument) naming `what` otherwise. Done before anything is allocated.
int64_t checked_element_count(const std::vector<int64_t>& shape, int64_t max_elements, const std::string& what);

/// A tensor from its bytes as the protocol carries them (row-major; BYTES: a 4-byte little-endian length before
/// each element). `source` names the bytes in errors ("binary_data_size", "raw_input_contents").
Tensor tensor_from_raw(DType dtype, const Shape& shape, int64_t count, std::string_view bytes, const std::string& what,
                       const char* source);
/// Appends the tensor's bytes in that form.
void append_raw(std::string& out, const Tensor& t);

/// Rows [begin, begin + rows) of `t` along axis 0, sharing its buffer.
Tensor slice_rows(const Tensor& t, int64_t begin, int64_t rows);
/// The tensors (same dtype and trailing dims) stacked along axis 0 into a new tensor.
Tensor concat_rows(const std::vector<const Tensor*>& parts);

}  // namespace konnx::serve
