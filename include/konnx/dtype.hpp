// SPDX-License-Identifier: MIT
// Element types. Values equal ONNX TensorProto.DataType so conversion is a cast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace konnx {

enum class DType : int32_t {
    kUndefined = 0,
    kFloat32 = 1,
    kUInt8 = 2,
    kInt8 = 3,
    kUInt16 = 4,
    kInt16 = 5,
    kInt32 = 6,
    kInt64 = 7,
    kString = 8,
    kBool = 9,
    kFloat16 = 10,
    kFloat64 = 11,
    kUInt32 = 12,
    kUInt64 = 13,
    kBFloat16 = 16,
};

/// IEEE half and bfloat16, stored as raw bits; src/core/half.hpp converts them.
struct Float16 {
    uint16_t bits = 0;
};
struct BFloat16 {
    uint16_t bits = 0;
};

template <class T>
struct DTypeOf;
template <>
struct DTypeOf<float> {
    static constexpr DType value = DType::kFloat32;
};
template <>
struct DTypeOf<double> {
    static constexpr DType value = DType::kFloat64;
};
template <>
struct DTypeOf<uint8_t> {
    static constexpr DType value = DType::kUInt8;
};
template <>
struct DTypeOf<int8_t> {
    static constexpr DType value = DType::kInt8;
};
template <>
struct DTypeOf<uint16_t> {
    static constexpr DType value = DType::kUInt16;
};
template <>
struct DTypeOf<int16_t> {
    static constexpr DType value = DType::kInt16;
};
template <>
struct DTypeOf<int32_t> {
    static constexpr DType value = DType::kInt32;
};
template <>
struct DTypeOf<int64_t> {
    static constexpr DType value = DType::kInt64;
};
template <>
struct DTypeOf<uint32_t> {
    static constexpr DType value = DType::kUInt32;
};
template <>
struct DTypeOf<uint64_t> {
    static constexpr DType value = DType::kUInt64;
};
template <>
struct DTypeOf<bool> {
    static constexpr DType value = DType::kBool;
};
template <>
struct DTypeOf<Float16> {
    static constexpr DType value = DType::kFloat16;
};
template <>
struct DTypeOf<BFloat16> {
    static constexpr DType value = DType::kBFloat16;
};
/// The DType of a C++ element type: dtype_of<float>() == DType::kFloat32.
template <class T>
constexpr DType dtype_of() {
    return DTypeOf<T>::value;
}

/// Bytes per element (0 for undefined and string).
std::size_t dtype_size(DType dtype);
/// Lower-case numpy-like name: "float32", "int64", "bool", ...
std::string_view dtype_name(DType dtype);
/// True for the types konnx stores as plain bytes (everything but string/undefined).
bool dtype_is_known(DType dtype);

}  // namespace konnx
