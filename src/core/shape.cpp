// SPDX-License-Identifier: MIT
#include "core/shape.hpp"

#include "core/error.hpp"

namespace konnx {

int64_t checked_numel(std::span<const int64_t> shape) {
    if (shape.size() > static_cast<std::size_t>(kMaxRank))
        fail(ErrorCode::kLimitExceeded, "tensor rank ", shape.size(), " exceeds the limit of ", kMaxRank);
    int64_t n = 1;
    bool zero = false;
    for (int64_t d : shape) {
        if (d < 0) fail(ErrorCode::kInvalidModel, "negative dimension in shape ", shape_str(shape));
        if (d == 0) zero = true;
    }
    // The non-zero dimensions are bounded even when another one is 0: code that multiplies the dims in any
    // order (Tensor::numel, strides) must never overflow ([0, 2^62, 2^62] was found by fuzz_tensor).
    for (int64_t d : shape) {
        if (d == 0) continue;
        if (n > kMaxElements / d)
            fail(ErrorCode::kLimitExceeded, "tensor of shape ", shape_str(shape), " has too many elements");
        n *= d;
    }
    return zero ? 0 : n;
}

std::size_t checked_nbytes(int64_t numel, DType dtype) {
    const auto size = static_cast<int64_t>(dtype_size(dtype));
    if (size && numel > kMaxElements / size) fail(ErrorCode::kLimitExceeded, "tensor too large");
    return static_cast<std::size_t>(numel * size);
}

int64_t normalize_axis(int64_t axis, int64_t rank) {
    if (axis < -rank || axis >= rank || (rank == 0 && axis != 0 && axis != -1))
        fail(ErrorCode::kInvalidModel, "axis ", axis, " is out of range for rank ", rank);
    return axis < 0 ? axis + rank : axis;
}

Shape broadcast_shapes(std::span<const int64_t> a, std::span<const int64_t> b) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank);
    for (std::size_t i = 0; i < rank; ++i) {
        const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da == db || db == 1)
            out[i] = da;
        else if (da == 1)
            out[i] = db;
        else
            fail(ErrorCode::kInvalidModel, "shapes ", shape_str(a), " and ", shape_str(b), " cannot be broadcast");
    }
    return out;
}

std::vector<int64_t> strides_of(std::span<const int64_t> shape) {
    std::vector<int64_t> s(shape.size());
    int64_t acc = 1;
    for (std::size_t i = shape.size(); i-- > 0;) {
        s[i] = acc;
        acc *= shape[i];
    }
    return s;
}

std::vector<int64_t> broadcast_strides(std::span<const int64_t> in, std::span<const int64_t> out) {
    std::vector<int64_t> s(out.size(), 0);
    const auto own = strides_of(in);
    const std::size_t offset = out.size() - in.size();
    for (std::size_t i = 0; i < in.size(); ++i)
        s[offset + i] = in[i] == 1 ? 0 : own[i];
    return s;
}

int64_t product(std::span<const int64_t> shape, std::size_t begin, std::size_t end) {
    int64_t n = 1;
    for (std::size_t i = begin; i < end && i < shape.size(); ++i)
        n *= shape[i];
    return n;
}

}  // namespace konnx
