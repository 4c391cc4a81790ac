// SPDX-License-Identifier: MIT
// Shared by Softmax, LogSoftmax and Hardmax: how `axis` splits the input into rows.
//   opset < 13: the input is coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])] (axis default 1) and each
//               row of that matrix is normalized;
//   opset 13+:  each 1-D slice along `axis` (default -1) is normalized.
// Both are rows of n elements, `inner` apart, inside [outer, n, inner].
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "ops/support/elementwise.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

struct SoftmaxLayout {
    int64_t outer = 1, n = 1, inner = 1;
};

inline SoftmaxLayout softmax_layout(const NodeContext& ctx) {
    const Shape& shape = ctx.input_shape(0);
    const auto rank = static_cast<int64_t>(shape.size());
    const bool coerce_2d = ctx.opset() < 13;
    int64_t axis = ctx.attr_int("axis", coerce_2d ? 1 : -1);
    if (rank == 0) {
        ctx.check(axis == 0 || axis == -1, "axis ", axis, " is out of range for a scalar");
        return {};
    }
    ctx.check(axis >= -rank && axis < rank + (coerce_2d ? 1 : 0), "axis ", axis, " is out of range for rank ", rank);
    if (axis < 0) axis += rank;
    const auto a = static_cast<std::size_t>(axis);
    if (coerce_2d) return {product(shape, 0, a), product(shape, a, shape.size()), 1};
    return {product(shape, 0, a), shape[a], product(shape, a + 1, shape.size())};
}

/// Calls f(base, stride) for every row (elements base + k * stride, k < n), in parallel.
template <class F>
void for_each_softmax_row(const SoftmaxLayout& l, F f) {
    const int64_t rows = l.outer * l.inner;
    parallel_for(rows, std::max<int64_t>(1, (1 << 13) / std::max<int64_t>(l.n, 1)), [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
            f((r / l.inner) * l.n * l.inner + r % l.inner, l.inner);
    });
}

/// The shape function of all three: `axis` valid, output like the input.
inline void infer_softmax_like(InferContext& ctx) {
    softmax_layout(ctx);
    infer_same_as_input(ctx);
}

/// A kernel calling row.template operator()<T>(x, y, n, stride) for every row (x and y at the row's first
/// element, element k at k * stride), for the float types.
template <class Row>
std::unique_ptr<Kernel> make_softmax_like(const KernelInit& init, Row row) {
    return make_kernel([layout = softmax_layout(init), row](const KernelRun& r) {
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            T* y = r.out(0).data<T>();
            for_each_softmax_row(layout, [&](int64_t base, int64_t stride) {
                row.template operator()<T>(x + base, y + base, layout.n, stride);
            });
        });
    });
}

/// The largest of a row's n elements (-inf for an empty row).
template <class T>
T row_max(const T* x, int64_t n, int64_t stride) {
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t k = 0; k < n; ++k)
        m = std::max(m, x[k * stride]);
    return m;
}

}  // namespace konnx::ops
