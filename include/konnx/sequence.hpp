// SPDX-License-Identifier: MIT
// ONNX sequence and optional values. They travel through Session::run (inputs and outputs) as Tensors whose
// dtype() is kSequenceType or kOptionalType: rank 0 and no element data of their own; the functions here
// make and read them. Like tensors they are immutable once made, and copies share their items.
//
//   konnx::Tensor seq = konnx::make_sequence(konnx::DType::kFloat32, {a, b});
//   for (const konnx::Tensor& item : konnx::sequence_items(outputs[0])) ...
#pragma once

#include <vector>

#include "konnx/tensor.hpp"

namespace konnx {

/// The dtype() of sequence and optional values: not element types, outside TensorProto's range.
inline constexpr DType kSequenceType = static_cast<DType>(1001);
inline constexpr DType kOptionalType = static_cast<DType>(1002);

/// True for kSequenceType and kOptionalType.
inline bool is_container(DType dtype) { return dtype == kSequenceType || dtype == kOptionalType; }

/// A sequence of tensors of element type `elem_type` (kUndefined: taken from the first item).
/// Throws kInvalidArgument when an item is undefined, a container, or of another element type.
Tensor make_sequence(DType elem_type, std::vector<Tensor> items);
/// An optional holding `value` (a tensor or a sequence), or empty when `value` is undefined.
/// `elem_type` is the value's dtype (kSequenceType for an optional sequence), kUndefined when unknown.
Tensor make_optional(DType elem_type, Tensor value = {});

/// The items of a sequence (throws kInvalidArgument for other tensors).
const std::vector<Tensor>& sequence_items(const Tensor& sequence);
/// The value of an optional, or nullptr when it is empty (throws kInvalidArgument for other tensors).
const Tensor* optional_value(const Tensor& optional);
/// The element type a sequence or optional was made with.
DType container_elem_type(const Tensor& container);

namespace detail {
Tensor clone_container(const Tensor& container);  ///< Tensor::clone() of a container: its items cloned
}  // namespace detail

}  // namespace konnx
