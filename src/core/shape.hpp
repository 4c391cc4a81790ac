// SPDX-License-Identifier: MIT
// Shape arithmetic shared by shape functions, kernels and the planner.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "konnx/tensor.hpp"

namespace konnx {

inline constexpr int kMaxRank = 32;                        // deeper tensors are refused as hostile
inline constexpr int64_t kMaxElements = int64_t{1} << 40;  // no single tensor beyond 2^40 elements

/// Element count; throws kInvalidModel on negative dims and kLimitExceeded on overflow or absurd rank.
int64_t checked_numel(std::span<const int64_t> shape);
/// numel * sizeof(dtype) with overflow check.
std::size_t checked_nbytes(int64_t numel, DType dtype);

/// Maps a possibly negative axis into [0, rank); throws kInvalidModel when out of range.
int64_t normalize_axis(int64_t axis, int64_t rank);

/// Numpy-style multidirectional broadcast; throws kInvalidModel naming both shapes when incompatible.
Shape broadcast_shapes(std::span<const int64_t> a, std::span<const int64_t> b);

/// Row-major element strides.
std::vector<int64_t> strides_of(std::span<const int64_t> shape);

/// Strides of `in` when broadcast to `out` (0 along broadcast axes), right-aligned to out's rank.
std::vector<int64_t> broadcast_strides(std::span<const int64_t> in, std::span<const int64_t> out);

/// Product of dims [begin, end).
int64_t product(std::span<const int64_t> shape, std::size_t begin, std::size_t end);
inline int64_t product(std::span<const int64_t> shape) { return product(shape, 0, shape.size()); }

}  // namespace konnx
