// SPDX-License-Identifier: MIT
// Building blocks for elementwise ops: same-shape maps and numpy-broadcast binary/ternary loops.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

/// Output 0 = input 0's dtype and shape.
void infer_same_as_input(InferContext& ctx);
/// Output 0 = broadcast of all inputs' shapes, with `dtype` (or input 0's dtype when undefined).
void infer_broadcast(InferContext& ctx, DType dtype = DType::kUndefined);

/// y[i] = f(x[i]) for same-shape tensors.
template <class TIn, class TOut, class F>
void map_unary(const Tensor& x, Tensor& y, F f) {
    const TIn* in = x.data<TIn>();
    TOut* out = y.data<TOut>();
    parallel_for(x.numel(), 1 << 14, [&](int64_t begin, int64_t end) {
#pragma omp simd
        for (int64_t i = begin; i < end; ++i)
            out[i] = f(in[i]);
    });
}

/// Iterates the elements of `out_shape`, giving f the flat offset into each input (broadcast
/// strides) and the output; the innermost axis is a tight loop. Works for any number of inputs.
template <std::size_t N, class F>
void for_each_broadcast(const Shape& out_shape, const std::array<const Shape*, N>& in_shapes, F f) {
    const int64_t total = product(out_shape);
    if (total == 0) return;
    const std::size_t rank = out_shape.size();
    std::array<std::vector<int64_t>, N> strides;
    for (std::size_t k = 0; k < N; ++k)
        strides[k] = broadcast_strides(*in_shapes[k], out_shape);
    const int64_t inner = rank ? out_shape[rank - 1] : 1;
    const int64_t outer = total / inner;
    parallel_for(outer, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(inner, 1)), [&](int64_t begin, int64_t end) {
        std::vector<int64_t> index(rank ? rank - 1 : 0);
        // Decompose `begin` into an index over the outer axes.
        int64_t rest = begin;
        for (std::size_t d = index.size(); d-- > 0;) {
            index[d] = rest % out_shape[d];
            rest /= out_shape[d];
        }
        for (int64_t row = begin; row < end; ++row) {
            std::array<int64_t, N> base{};
            for (std::size_t k = 0; k < N; ++k)
                for (std::size_t d = 0; d < index.size(); ++d)
                    base[k] += index[d] * strides[k][d];
            std::array<int64_t, N> step{};
            for (std::size_t k = 0; k < N; ++k)
                step[k] = rank ? strides[k][rank - 1] : 0;
            const int64_t out_base = row * inner;
            for (int64_t i = 0; i < inner; ++i) {
                std::array<int64_t, N> at;
                for (std::size_t k = 0; k < N; ++k)
                    at[k] = base[k] + i * step[k];
                f(at, out_base + i);
            }
            for (std::size_t d = index.size(); d-- > 0;) {  // next outer index
                if (++index[d] < out_shape[d]) break;
                index[d] = 0;
            }
        }
    });
}

/// out = f(a, b) with numpy broadcasting; fast paths for equal shapes and scalars.
template <class TA, class TB, class TOut, class F>
void map_binary(const Tensor& a, const Tensor& b, Tensor& out, F f) {
    const TA* pa = a.data<TA>();
    const TB* pb = b.data<TB>();
    TOut* po = out.data<TOut>();
    const int64_t n = out.numel();
    constexpr int64_t kGrain = 1 << 14;
    if (a.shape() == out.shape() && b.shape() == out.shape()) {
        parallel_for(n, kGrain, [&](int64_t s, int64_t e) {
#pragma omp simd
            for (int64_t i = s; i < e; ++i)
                po[i] = f(pa[i], pb[i]);
        });
    } else if (a.shape() == out.shape() && b.numel() == 1) {
        const TB vb = pb[0];
        parallel_for(n, kGrain, [&](int64_t s, int64_t e) {
#pragma omp simd
            for (int64_t i = s; i < e; ++i)
                po[i] = f(pa[i], vb);
        });
    } else if (b.shape() == out.shape() && a.numel() == 1) {
        const TA va = pa[0];
        parallel_for(n, kGrain, [&](int64_t s, int64_t e) {
#pragma omp simd
            for (int64_t i = s; i < e; ++i)
                po[i] = f(va, pb[i]);
        });
    } else {
        for_each_broadcast<2>(out.shape(), {&a.shape(), &b.shape()},
                              [&](const std::array<int64_t, 2>& at, int64_t o) { po[o] = f(pa[at[0]], pb[at[1]]); });
    }
}

}  // namespace konnx::ops
