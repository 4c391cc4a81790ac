// SPDX-License-Identifier: MIT
// SplitToSequence (ONNX opset 11): splits a tensor along `axis` (default 0) into a sequence.
//   - no `split` input: pieces of size 1, with the axis removed when keepdims = 0 (default 1);
//   - scalar `split` k: pieces of size k, the last one smaller when k does not divide the axis;
//   - 1-D `split`: the pieces' sizes, which must add up to the axis (keepdims is ignored).
#include <cstring>

#include "core/shape.hpp"
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

// Sizes of the pieces along an axis of length `dim`; `split` may be null.
std::vector<int64_t> piece_sizes(const Tensor* split, int64_t dim) {
    if (!split) return std::vector<int64_t>(static_cast<std::size_t>(dim), 1);
    if (split->dtype() != DType::kInt32 && split->dtype() != DType::kInt64)
        fail(ErrorCode::kInvalidArgument, "split must be int32 or int64, got ", dtype_name(split->dtype()));
    std::vector<int64_t> values;
    for (int64_t i = 0; i < split->numel(); ++i)
        values.push_back(split->dtype() == DType::kInt32 ? split->data<int32_t>()[i] : split->data<int64_t>()[i]);
    if (split->rank() == 0) {
        const int64_t k = values[0];
        if (k <= 0) fail(ErrorCode::kInvalidArgument, "split must be positive, got ", k);
        std::vector<int64_t> sizes;
        for (int64_t at = 0; at < dim; at += k)
            sizes.push_back(std::min(k, dim - at));
        return sizes;
    }
    if (split->rank() != 1) fail(ErrorCode::kInvalidArgument, "split must be a scalar or 1-D");
    int64_t total = 0;
    for (int64_t v : values) {
        if (v < 0 || v > dim - total)
            fail(ErrorCode::kInvalidArgument, "split sizes must be non-negative and add up to ", dim, ", got ", v);
        total += v;
    }
    if (total != dim)
        fail(ErrorCode::kInvalidArgument, "split sizes add up to ", total, ", but the axis has ", dim, " elements");
    return values;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() >= 1 && ctx.num_inputs() <= 2 && ctx.has_input(0), "expects 1 or 2 inputs");
    ctx.check(dtype_is_known(ctx.input_dtype(0)), "input must be a tensor, got ", dtype_name(ctx.input_dtype(0)));
    normalize_axis(ctx.attr_int("axis", 0), ctx.input_rank(0));
    ctx.set_output(0, kSequenceType, {});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const int64_t axis = normalize_axis(init.attr_int("axis", 0), init.input_rank(0));
    const bool keepdims = init.attr_int("keepdims", 1) != 0;
    return make_kernel([axis, keepdims](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const auto a = static_cast<std::size_t>(axis);
        const int64_t dim = x.shape()[a];
        const auto sizes = piece_sizes(r.has_in(1) ? &r.in(1) : nullptr, dim);
        const int64_t outer = product(x.shape(), 0, a);
        const std::size_t row = static_cast<std::size_t>(product(x.shape(), a + 1, x.rank())) * dtype_size(x.dtype());
        const auto* src = static_cast<const std::byte*>(x.raw());
        std::vector<Tensor> items;
        int64_t start = 0;
        for (int64_t size : sizes) {
            Shape shape = x.shape();
            shape[a] = size;
            Tensor piece = Tensor::empty(x.dtype(), shape);
            auto* dst = static_cast<std::byte*>(piece.raw());
            const std::size_t chunk = row * static_cast<std::size_t>(size);
            for (int64_t o = 0; o < outer && chunk; ++o)
                std::memcpy(dst + static_cast<std::size_t>(o) * chunk,
                            src + (static_cast<std::size_t>(o * dim + start)) * row, chunk);
            if (!r.has_in(1) && !keepdims) {
                shape.erase(shape.begin() + axis);
                piece = piece.reshaped(shape);
            }
            items.push_back(std::move(piece));
            start += size;
        }
        r.out(0) = make_sequence(x.dtype(), std::move(items));
    });
}

}  // namespace

void register_split_to_sequence(OpRegistry& registry) {
    registry.add({.name = "SplitToSequence", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
