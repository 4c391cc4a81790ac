// SPDX-License-Identifier: MIT
// Helpers shared by the shape and data-movement ops (Reshape, Transpose, Slice, Gather, ...):
// reading integer inputs, dispatching on element size, and a strided n-d copy whose common
// case (contiguous innermost run) is a memcpy per row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/dispatch.hpp"
#include "core/shape.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

/// The values of an integer tensor (int32 or int64; other integer types accepted too) as int64.
std::vector<int64_t> int_values(const Tensor& t);

/// Calls fn.template operator()<T>() with an unsigned type of the given byte size (1, 2, 4, 8):
/// for ops that only move elements, so one instantiation serves every dtype of that size.
template <class F>
void dispatch_by_size(std::size_t size, F&& fn) {
    switch (size) {
        case 1: fn.template operator()<uint8_t>(); break;
        case 2: fn.template operator()<uint16_t>(); break;
        case 4: fn.template operator()<uint32_t>(); break;
        case 8: fn.template operator()<uint64_t>(); break;
        default: fail(ErrorCode::kUnsupported, "element size ", size, " is not supported here");
    }
}

/// Calls fn.template operator()<T>() with T = int32_t or int64_t for an index tensor's dtype.
template <class F>
void dispatch_index(DType dtype, F&& fn) {
    if (dtype == DType::kInt64)
        fn.template operator()<int64_t>();
    else if (dtype == DType::kInt32)
        fn.template operator()<int32_t>();
    else
        fail(ErrorCode::kInvalidArgument, "indices must be int32 or int64, got ", dtype_name(dtype));
}

/// An index into an axis of size `dim`, negative ones counting from the end; throws
/// kInvalidArgument when out of range (indices are data, checked at run time).
inline int64_t wrap_index(int64_t i, int64_t dim) {
    if (i < -dim || i >= dim) fail(ErrorCode::kInvalidArgument, "index ", i, " is out of range for a dim of ", dim);
    return i < 0 ? i + dim : i;
}

/// dst (contiguous, shape out_shape) [i...] = src[sum(i_k * src_strides[k])] (strides in elements, may
/// be 0 or negative). Axes are merged where possible; a unit innermost stride becomes a memcpy per row.
void strided_copy(const void* src, void* dst, std::size_t elem_size, const Shape& out_shape,
                  const std::vector<int64_t>& src_strides);

/// Copy a whole tensor's bytes (no-op when empty).
inline void copy_bytes(const Tensor& from, Tensor& to) {
    if (from.nbytes()) std::memcpy(to.raw(), from.raw(), from.nbytes());
}

/// Checks that a dtype can be moved by byte size (everything but string/undefined).
void check_movable(const NodeContext& ctx, DType dtype);

}  // namespace konnx::ops
