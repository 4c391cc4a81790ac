// SPDX-License-Identifier: MIT
#include "keras/tensor_util.hpp"

// GCC 12 reports a false positive (free-nonheap-object) inside std::vector here.
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"

#include <cstring>

#include "core/error.hpp"
#include "core/shape.hpp"

namespace konnx::keras {

Tensor permute(const Tensor& in, const std::vector<int>& perm) {
    KONNX_ASSERT(in.dtype() == DType::kFloat32 && perm.size() == in.rank());
    const std::size_t r = in.rank();
    Shape out_shape(r);
    for (std::size_t i = 0; i < r; ++i)
        out_shape[i] = in.dim(static_cast<std::size_t>(perm[i]));
    Tensor out = Tensor::empty(DType::kFloat32, out_shape);
    const auto in_strides = strides_of(in.shape());
    std::vector<int64_t> src_stride(r);
    for (std::size_t i = 0; i < r; ++i)
        src_stride[i] = in_strides[static_cast<std::size_t>(perm[i])];
    const float* src = in.data<float>();
    float* dst = out.data<float>();
    const int64_t n = out.numel();
    std::vector<int64_t> idx(r, 0);
    int64_t off = 0;
    for (int64_t k = 0; k < n; ++k) {
        dst[k] = src[off];
        for (std::size_t a = r; a-- > 0;) {
            ++idx[a];
            off += src_stride[a];
            if (idx[a] < out_shape[a]) break;
            off -= src_stride[a] * out_shape[a];
            idx[a] = 0;
        }
    }
    return out;
}

Tensor flip(const Tensor& in, const std::vector<int>& axes) {
    KONNX_ASSERT(in.dtype() == DType::kFloat32);
    const std::size_t r = in.rank();
    Tensor out = Tensor::empty(DType::kFloat32, in.shape());
    std::vector<bool> flipped(r, false);
    for (int a : axes)
        flipped[static_cast<std::size_t>(a)] = true;
    const auto strides = strides_of(in.shape());
    const float* src = in.data<float>();
    float* dst = out.data<float>();
    std::vector<int64_t> idx(r, 0);
    for (int64_t k = 0; k < in.numel(); ++k) {
        int64_t off = 0;
        for (std::size_t a = 0; a < r; ++a)
            off += (flipped[a] ? in.dim(a) - 1 - idx[a] : idx[a]) * strides[a];
        dst[k] = src[off];
        for (std::size_t a = r; a-- > 0;) {
            if (++idx[a] < in.dim(a)) break;
            idx[a] = 0;
        }
    }
    return out;
}

Tensor concat(const std::vector<Tensor>& parts, int axis) {
    KONNX_ASSERT(!parts.empty());
    Shape shape = parts[0].shape();
    const auto ax = static_cast<std::size_t>(axis);
    int64_t total = 0;
    for (const auto& p : parts) {
        check_model(p.rank() == shape.size(), "cannot concatenate weights of different ranks");
        for (std::size_t a = 0; a < shape.size(); ++a)
            check_model(a == ax || p.dim(a) == shape[a], "cannot concatenate weights ", shape_str(p.shape()), " and ",
                        shape_str(shape));
        total += p.dim(ax);
    }
    shape[ax] = total;
    Tensor out = Tensor::empty(DType::kFloat32, shape);
    const int64_t outer = product(shape, 0, ax);
    const int64_t inner = product(shape, ax + 1, shape.size());
    float* dst = out.data<float>();
    for (int64_t o = 0; o < outer; ++o)
        for (const auto& p : parts) {
            const int64_t chunk = p.dim(ax) * inner;
            std::memcpy(dst, p.data<float>() + o * chunk, static_cast<std::size_t>(chunk) * sizeof(float));
            dst += chunk;
        }
    return out;
}

Tensor slice(const Tensor& in, int axis, int64_t begin, int64_t end) {
    const auto ax = static_cast<std::size_t>(axis);
    KONNX_ASSERT(begin >= 0 && end <= in.dim(ax) && begin <= end);
    Shape shape = in.shape();
    shape[ax] = end - begin;
    Tensor out = Tensor::empty(DType::kFloat32, shape);
    const int64_t outer = product(in.shape(), 0, ax);
    const int64_t inner = product(in.shape(), ax + 1, in.rank());
    for (int64_t o = 0; o < outer; ++o)
        std::memcpy(out.data<float>() + o * (end - begin) * inner, in.data<float>() + (o * in.dim(ax) + begin) * inner,
                    static_cast<std::size_t>((end - begin) * inner) * sizeof(float));
    return out;
}

}  // namespace konnx::keras
