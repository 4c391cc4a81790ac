// SPDX-License-Identifier: MIT
// Shared by the Sequence* and Optional* ops. Sequences and optionals are Tensors of kind kSequenceType/kOptionalType
// (konnx/sequence.hpp); graphs holding them always run in the DynamicExecutor (Plan::build declines them), so
// infer() sees their values, and kernels assign new containers to their outputs (r.out(i) = make_sequence(...)).
#pragma once

#include <cstdint>
#include <vector>

#include "core/strings.hpp"
#include "konnx/sequence.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

/// The items of sequence input i, which must be known (they always are in the DynamicExecutor).
inline const std::vector<Tensor>& sequence_input(const NodeContext& ctx, std::size_t i) {
    ctx.check(ctx.has_input(i) && ctx.input_dtype(i) == kSequenceType, "input ", i, " must be a sequence, got ",
              ctx.has_input(i) ? dtype_name(ctx.input_dtype(i)) : "nothing");
    return sequence_items(ctx.require_value(i));
}

/// Checks that sequence input i is a sequence (its items are read by the kernel).
inline void check_sequence_input(const NodeContext& ctx, std::size_t i) {
    ctx.check(ctx.has_input(i) && ctx.input_dtype(i) == kSequenceType, "input ", i, " must be a sequence, got ",
              ctx.has_input(i) ? dtype_name(ctx.input_dtype(i)) : "nothing");
}

/// A position input (int32/int64 scalar) made non-negative against a sequence of `count` items: valid positions
/// are [-count, count - 1], or [-count, count] when `inserting` (count = append).
inline int64_t sequence_position(const Tensor& position, int64_t count, bool inserting) {
    if (position.numel() != 1 || (position.dtype() != DType::kInt32 && position.dtype() != DType::kInt64))
        fail(ErrorCode::kInvalidArgument, "position must be an int32 or int64 scalar, got ",
             dtype_name(position.dtype()), " ", shape_str(position.shape()));
    const int64_t p = position.dtype() == DType::kInt32 ? position.data<int32_t>()[0] : position.data<int64_t>()[0];
    const int64_t last = inserting ? count : count - 1;
    if (p < -count || p > last)
        fail(ErrorCode::kInvalidArgument, "position ", p, " is out of range for a sequence of ", count, " items");
    return p < 0 ? p + count : p;
}

}  // namespace konnx::ops
