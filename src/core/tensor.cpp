// SPDX-License-Identifier: MIT
#include <cstdlib>
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/shape.hpp"
#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"
#include "konnx/tensor.hpp"

namespace konnx {

std::size_t dtype_size(DType dtype) {
    switch (dtype) {
        case DType::kFloat32:
        case DType::kInt32:
        case DType::kUInt32: return 4;
        case DType::kFloat64:
        case DType::kInt64:
        case DType::kUInt64: return 8;
        case DType::kFloat16:
        case DType::kBFloat16:
        case DType::kInt16:
        case DType::kUInt16: return 2;
        case DType::kUInt8:
        case DType::kInt8:
        case DType::kBool: return 1;
        case DType::kString:
        case DType::kUndefined: return 0;
    }
    return 0;
}

std::string_view dtype_name(DType dtype) {
    switch (dtype) {
        case DType::kFloat32: return "float32";
        case DType::kFloat64: return "float64";
        case DType::kFloat16: return "float16";
        case DType::kBFloat16: return "bfloat16";
        case DType::kInt8: return "int8";
        case DType::kInt16: return "int16";
        case DType::kInt32: return "int32";
        case DType::kInt64: return "int64";
        case DType::kUInt8: return "uint8";
        case DType::kUInt16: return "uint16";
        case DType::kUInt32: return "uint32";
        case DType::kUInt64: return "uint64";
        case DType::kBool: return "bool";
        case DType::kString: return "string";
        case DType::kUndefined: return "undefined";
    }
    if (dtype == kSequenceType) return "sequence";
    if (dtype == kOptionalType) return "optional";
    if (dtype == kMapType) return "map";
    return "undefined";
}

bool dtype_is_known(DType dtype) { return dtype_size(dtype) != 0; }

namespace detail {
void check_element_count(std::size_t given, int64_t expected) {
    if (static_cast<int64_t>(given) != expected)
        fail(ErrorCode::kInvalidArgument, "tensor needs ", expected, " values, got ", given);
}
}  // namespace detail

namespace {
std::shared_ptr<void> allocate(std::size_t bytes) {
    // 64-byte alignment suits AVX-512 loads and oneDNN; round up so aligned_alloc accepts it.
    const std::size_t size = ((bytes + 63) / 64) * 64 + 64;
    void* p = std::aligned_alloc(64, size);
    if (!p) fail(ErrorCode::kLimitExceeded, "out of memory allocating ", bytes, " bytes");
    advise_huge_pages(p, size);
    return {p, [](void* q) { std::free(q); }};
}
}  // namespace

Tensor Tensor::empty(DType dtype, Shape shape) {
    if (!dtype_is_known(dtype))
        fail(ErrorCode::kUnsupported, "tensors of type ", dtype_name(dtype), " are not supported");
    const int64_t n = checked_numel(shape);
    Tensor t;
    t.dtype_ = dtype;
    t.shape_ = std::move(shape);
    t.owner_ = allocate(checked_nbytes(n, dtype));
    t.data_ = t.owner_.get();
    return t;
}

Tensor Tensor::zeros(DType dtype, Shape shape) {
    Tensor t = empty(dtype, std::move(shape));
    std::memset(t.data_, 0, t.nbytes());
    return t;
}

Tensor Tensor::view(DType dtype, Shape shape, void* data) { return wrap(dtype, std::move(shape), nullptr, data); }

Tensor Tensor::wrap(DType dtype, Shape shape, std::shared_ptr<void> owner, void* data) {
    // Containers and strings: only make_sequence/make_optional/make_string_tensor wrap those (with their owner;
    // view() of such memory is refused).
    const bool owned_kind = (is_container(dtype) || dtype == DType::kString) && owner;
    if (!dtype_is_known(dtype) && !owned_kind)
        fail(ErrorCode::kUnsupported, "tensors of type ", dtype_name(dtype), " are not supported");
    checked_numel(shape);
    Tensor t;
    t.dtype_ = dtype;
    t.shape_ = std::move(shape);
    t.owner_ = std::move(owner);
    t.data_ = data;
    return t;
}

int64_t Tensor::numel() const noexcept {
    if (!defined()) return 0;
    int64_t n = 1;
    for (int64_t d : shape_)
        n *= d;
    return n;
}

std::size_t Tensor::nbytes() const noexcept { return static_cast<std::size_t>(numel()) * dtype_size(dtype_); }

Tensor Tensor::clone() const {
    if (!defined()) return {};
    if (is_container(dtype_)) return detail::clone_container(*this);
    if (dtype_ == DType::kString) {
        const auto values = span<std::string>();
        return make_string_tensor(shape_, {values.begin(), values.end()});
    }
    Tensor t = empty(dtype_, shape_);
    if (nbytes()) std::memcpy(t.data_, data_, nbytes());
    return t;
}

Tensor Tensor::reshaped(Shape shape) const {
    if (checked_numel(shape) != numel())
        fail(ErrorCode::kInvalidArgument, "cannot reshape ", shape_str(shape_), " to ", shape_str(shape));
    Tensor t = *this;
    t.shape_ = std::move(shape);
    return t;
}

}  // namespace konnx
