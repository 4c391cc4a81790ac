// SPDX-License-Identifier: MIT
#include "ops/support/tensor_common.hpp"

#include "core/parallel.hpp"

namespace konnx::ops {

std::vector<int64_t> int_values(const Tensor& t) {
    std::vector<int64_t> out(static_cast<std::size_t>(t.numel()));
    switch (t.dtype()) {
        case DType::kInt64: std::copy_n(t.data<int64_t>(), out.size(), out.begin()); break;
        case DType::kInt32: std::copy_n(t.data<int32_t>(), out.size(), out.begin()); break;
        default:
            dispatch_list(IntTypes{}, t.dtype(), [&]<class T>() {
                for (std::size_t i = 0; i < out.size(); ++i)
                    out[i] = static_cast<int64_t>(t.data<T>()[i]);
            });
    }
    return out;
}

void check_movable(const NodeContext& ctx, DType dtype) {
    if (!dtype_is_known(dtype) || dtype_size(dtype) == 0)
        ctx.unsupported("element type ", dtype_name(dtype), " is not supported");
}

namespace {

template <class T>
void strided_rows(const std::byte* src, std::byte* dst, const std::vector<int64_t>& shape,
                  const std::vector<int64_t>& strides) {
    const std::size_t rank = shape.size();
    const int64_t inner = shape[rank - 1];
    const int64_t inner_stride = strides[rank - 1];
    const int64_t rows = product(shape, 0, rank - 1);
    const T* in = reinterpret_cast<const T*>(src);
    T* out = reinterpret_cast<T*>(dst);
    parallel_for(rows, std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(inner, 1)), [&](int64_t begin, int64_t end) {
        std::vector<int64_t> index(rank - 1);
        int64_t rest = begin, base = 0;
        for (std::size_t d = rank - 1; d-- > 0;) {
            index[d] = rest % shape[d];
            rest /= shape[d];
            base += index[d] * strides[d];
        }
        for (int64_t row = begin; row < end; ++row) {
            T* o = out + row * inner;
            const T* i = in + base;
            if (inner_stride == 1) {
                std::memcpy(o, i, static_cast<std::size_t>(inner) * sizeof(T));
            } else {
                for (int64_t k = 0; k < inner; ++k)
                    o[k] = i[k * inner_stride];
            }
            for (std::size_t d = rank - 1; d-- > 0;) {
                base += strides[d];
                if (++index[d] < shape[d]) break;
                base -= index[d] * strides[d];
                index[d] = 0;
            }
        }
    });
}

// Innermost output axis strided in the source, axis p unit-strided (a transpose of the two): copy in
// square tiles so both the reads and the writes stay within a few cache lines.
template <class T>
void tiled_transpose(const std::byte* src, std::byte* dst, const std::vector<int64_t>& shape,
                     const std::vector<int64_t>& strides, std::size_t p) {
    constexpr int64_t kTile = 32;
    const std::size_t rank = shape.size();
    const auto out_strides = strides_of(shape);
    const int64_t rows = shape[p], cols = shape[rank - 1], col_stride = strides[rank - 1];
    const int64_t row_out = out_strides[p];
    // The remaining axes, flattened.
    std::vector<std::size_t> rest_axes;
    for (std::size_t d = 0; d + 1 < rank; ++d)
        if (d != p) rest_axes.push_back(d);
    int64_t rest = 1;
    for (std::size_t d : rest_axes)
        rest *= shape[d];
    const int64_t row_tiles = (rows + kTile - 1) / kTile;
    const T* in = reinterpret_cast<const T*>(src);
    T* out = reinterpret_cast<T*>(dst);
    parallel_for(rest * row_tiles, std::max<int64_t>(1, (1 << 14) / (kTile * std::max<int64_t>(cols, 1))),
                 [&](int64_t begin, int64_t end) {
                     for (int64_t job = begin; job < end; ++job) {
                         int64_t m = job / row_tiles, sbase = 0, dbase = 0;
                         for (std::size_t k = rest_axes.size(); k-- > 0;) {
                             const std::size_t d = rest_axes[k];
                             const int64_t i = m % shape[d];
                             m /= shape[d];
                             sbase += i * strides[d];
                             dbase += i * out_strides[d];
                         }
                         const int64_t r0 = (job % row_tiles) * kTile, r1 = std::min(rows, r0 + kTile);
                         for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
                             const int64_t c1 = std::min(cols, c0 + kTile);
                             for (int64_t r = r0; r < r1; ++r) {
                                 const T* s = in + sbase + r;
                                 T* o = out + dbase + r * row_out;
                                 for (int64_t c = c0; c < c1; ++c)
                                     o[c] = s[c * col_stride];
                             }
                         }
                     }
                 });
}

}  // namespace

void strided_copy(const void* src, void* dst, std::size_t elem_size, const Shape& out_shape,
                  const std::vector<int64_t>& src_strides) {
    if (checked_numel(out_shape) == 0) return;
    // Drop unit axes, then merge neighbours that are contiguous in the source too.
    std::vector<int64_t> shape, strides;
    for (std::size_t d = 0; d < out_shape.size(); ++d) {
        if (out_shape[d] == 1) continue;
        if (!shape.empty() && strides.back() == src_strides[d] * out_shape[d]) {
            shape.back() *= out_shape[d];
            strides.back() = src_strides[d];
        } else {
            shape.push_back(out_shape[d]);
            strides.push_back(src_strides[d]);
        }
    }
    if (shape.empty()) {
        shape.push_back(1);
        strides.push_back(1);
    }
    // A unit-stride innermost run of whole elements is copied as bytes.
    std::size_t esize = elem_size;
    if (strides.back() == 1 && esize != 1 && esize != 2 && esize != 4 && esize != 8) {
        esize = 1;  // odd sizes: scale to bytes
        for (auto& s : strides)
            s *= static_cast<int64_t>(elem_size);
        shape.back() *= static_cast<int64_t>(elem_size);
    }
    if (strides.back() != 1 && shape.back() >= 8) {
        for (std::size_t p = shape.size() - 1; p-- > 0;) {
            if (strides[p] == 1 && shape[p] >= 8) {
                dispatch_by_size(esize, [&]<class T>() {
                    tiled_transpose<T>(static_cast<const std::byte*>(src), static_cast<std::byte*>(dst), shape,
                                       strides, p);
                });
                return;
            }
        }
    }
    dispatch_by_size(esize, [&]<class T>() {
        strided_rows<T>(static_cast<const std::byte*>(src), static_cast<std::byte*>(dst), shape, strides);
    });
}

}  // namespace konnx::ops
