// SPDX-License-Identifier: MIT
// ONNX sequence, optional and map values. They travel through Session::run (inputs and outputs) as Tensors whose
// dtype() is kSequenceType, kOptionalType or kMapType: rank 0 and no element data of their own; the functions here
// make and read them. Like tensors they are immutable once made, and copies share their items.
//
//   konnx::Tensor seq = konnx::make_sequence(konnx::DType::kFloat32, {a, b});
//   for (const konnx::Tensor& item : konnx::sequence_items(outputs[0])) ...
//
//   // ZipMap's output (scikit-learn classifiers): a sequence of maps, one per row, class label -> probability.
//   for (const konnx::Tensor& row : konnx::sequence_items(outputs[1])) {
//       const konnx::Tensor& labels = konnx::map_keys(row);    // 1-D int64 or string tensor, ascending
//       const konnx::Tensor& probs = konnx::map_values(row);   // 1-D float tensor, same length
//   }
#pragma once

#include <vector>

#include "konnx/tensor.hpp"

namespace konnx {

/// The dtype() of sequence and optional values: not element types, outside TensorProto's range.
inline constexpr DType kSequenceType = static_cast<DType>(1001);
inline constexpr DType kOptionalType = static_cast<DType>(1002);
inline constexpr DType kMapType = static_cast<DType>(1003);

/// True for kSequenceType, kOptionalType and kMapType.
inline bool is_container(DType dtype) { return dtype == kSequenceType || dtype == kOptionalType || dtype == kMapType; }

/// A sequence of tensors (or of maps: `elem_type` kMapType) of element type `elem_type` (kUndefined: taken from the
/// first item). Throws kInvalidArgument when an item is undefined, a sequence or optional, or of another type.
Tensor make_sequence(DType elem_type, std::vector<Tensor> items);
/// An optional holding `value` (a tensor or a sequence), or empty when `value` is undefined.
/// `elem_type` is the value's dtype (kSequenceType for an optional sequence), kUndefined when unknown.
Tensor make_optional(DType elem_type, Tensor value = {});

/// The items of a sequence (throws kInvalidArgument for other tensors).
const std::vector<Tensor>& sequence_items(const Tensor& sequence);
/// The value of an optional, or nullptr when it is empty (throws kInvalidArgument for other tensors).
const Tensor* optional_value(const Tensor& optional);
/// The element type a sequence or optional was made with; a map's value type.
DType container_elem_type(const Tensor& container);

/// A map from `keys` (a 1-D int64 or string tensor, no key twice) to `values` (a 1-D tensor of any element type
/// with one value per key). Its entries are kept in ascending key order (byte order for strings), the order in
/// which onnxruntime's maps iterate; already sorted keys are shared, not copied. Throws kInvalidArgument otherwise.
Tensor make_map(Tensor keys, Tensor values);
/// The keys of a map (ascending) and the values in the same order (throw kInvalidArgument for other tensors).
const Tensor& map_keys(const Tensor& map);
const Tensor& map_values(const Tensor& map);

namespace detail {
Tensor clone_container(const Tensor& container);  ///< Tensor::clone() of a container: its items cloned
}  // namespace detail

}  // namespace konnx
