// SPDX-License-Identifier: MIT
// GlobalAveragePool / GlobalMaxPool share this: reduce every N*C plane of [N, C, spatial...] to one value,
// output [N, C, 1, ...] (same rank).
#pragma once

#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

inline void infer_global_pool(InferContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() >= 3, "input X must have rank >= 3 (N, C, spatial...), got ", shape_str(x));
    Shape out(x.size(), 1);
    out[0] = x[0];
    out[1] = x[1];
    ctx.set_output(0, ctx.input_dtype(0), out);
}

/// y[p] = reduce(plane p of x, plane size); planes in parallel.
template <class T, class Reduce>
void global_pool(const Tensor& x, Tensor& y, Reduce reduce) {
    const int64_t planes = x.dim(0) * x.dim(1);
    const int64_t size = planes ? x.numel() / planes : 0;
    const T* in = x.data<T>();
    T* out = y.data<T>();
    parallel_for(planes, std::max<int64_t>(1, 4096 / std::max<int64_t>(size, 1)), [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p)
            out[p] = reduce(in + p * size, size);
    });
}

}  // namespace konnx::ops
