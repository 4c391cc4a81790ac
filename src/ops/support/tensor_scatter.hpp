// SPDX-License-Identifier: MIT
// ScatterElements and its deprecated alias Scatter share this shape function and kernel:
// out = copy of data; out[i with i[axis] = indices[i]] (op)= updates[i] for every index i of updates,
// in order (so with reduction "none" the last duplicate wins). Reductions: none, add, mul, max, min.
#pragma once

#include <algorithm>
#include <string>

#include "ops/support/tensor_common.hpp"

namespace konnx::ops {

enum class ScatterReduction { kNone, kAdd, kMul, kMax, kMin };

inline ScatterReduction scatter_reduction(const NodeContext& ctx) {
    const std::string r = ctx.attr_string("reduction", "none");
    if (r == "none") return ScatterReduction::kNone;
    if (r == "add") return ScatterReduction::kAdd;
    if (r == "mul") return ScatterReduction::kMul;
    if (r == "max") return ScatterReduction::kMax;
    if (r == "min") return ScatterReduction::kMin;
    ctx.fail("unknown reduction '", r, "'");
}

/// Combines one update into the destination element.
template <class T>
void scatter_combine(T& dst, T value, ScatterReduction reduction) {
    switch (reduction) {
        case ScatterReduction::kNone: dst = value; break;
        case ScatterReduction::kAdd: dst = static_cast<T>(dst + value); break;
        case ScatterReduction::kMul: dst = static_cast<T>(dst * value); break;
        case ScatterReduction::kMax: dst = std::max(dst, value); break;
        case ScatterReduction::kMin: dst = std::min(dst, value); break;
    }
}

/// Dispatches on the element type: by size without a reduction, on numeric types with one.
template <class F>
void scatter_dispatch(DType dtype, ScatterReduction reduction, F&& fn) {
    if (reduction == ScatterReduction::kNone)
        dispatch_by_size(dtype_size(dtype), fn);
    else
        dispatch_list(NumericTypes{}, dtype, fn);
}

inline void infer_scatter_elements(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    scatter_reduction(ctx);
    const DType it = ctx.input_dtype(1);
    ctx.check(it == DType::kInt32 || it == DType::kInt64, "indices must be int32 or int64");
    ctx.check(ctx.input_shape(1) == ctx.input_shape(2), "indices and updates must have the same shape");
    ctx.check(ctx.input_dtype(2) == ctx.input_dtype(0), "updates must have the data's type");
    ctx.check(ctx.input_rank(0) == ctx.input_rank(1), "data and indices must have the same rank");
    const auto axis = static_cast<std::size_t>(normalize_axis(ctx.attr_int("axis", 0), ctx.input_rank(0)));
    for (std::size_t d = 0; d < ctx.input_shape(0).size(); ++d)
        ctx.check(d == axis || ctx.input_shape(1)[d] <= ctx.input_shape(0)[d], "indices exceed data on axis ", d);
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

inline std::unique_ptr<Kernel> make_scatter_elements(const KernelInit& init) {
    const auto axis = static_cast<std::size_t>(normalize_axis(init.attr_int("axis", 0), init.input_rank(0)));
    const ScatterReduction reduction = scatter_reduction(init);
    return make_kernel([axis, reduction](const KernelRun& r) {
        const Tensor& data = r.in(0);
        const Tensor& indices = r.in(1);
        const Tensor& updates = r.in(2);
        copy_bytes(data, r.out(0));
        const Shape& us = updates.shape();
        const auto dstrides = strides_of(data.shape());
        const int64_t dim = data.shape()[axis];
        const int64_t n = updates.numel();
        dispatch_index(indices.dtype(), [&]<class I>() {
            scatter_dispatch(data.dtype(), reduction, [&]<class T>() {
                T* out = r.out(0).data<T>();
                const T* upd = updates.data<T>();
                const I* idx = indices.data<I>();
                std::vector<int64_t> pos(us.size(), 0);
                for (int64_t k = 0; k < n; ++k) {
                    int64_t off = 0;
                    for (std::size_t d = 0; d < us.size(); ++d)
                        off += (d == axis ? wrap_index(idx[k], dim) : pos[d]) * dstrides[d];
                    scatter_combine(out[off], upd[k], reduction);
                    for (std::size_t d = us.size(); d-- > 0;) {
                        if (++pos[d] < us[d]) break;
                        pos[d] = 0;
                    }
                }
            });
        });
    });
}

}  // namespace konnx::ops
