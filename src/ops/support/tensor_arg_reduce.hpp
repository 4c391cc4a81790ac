// SPDX-License-Identifier: MIT
// ArgMax / ArgMin (ONNX opsets 1, 11, 12, 13): int64 index of the extreme value along `axis`
// (default 0), keepdims (default 1) keeps the axis as size 1. On ties the first index wins, or the last
// with select_last_index=1 (opset 12).
#pragma once

#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {

inline void infer_arg_reduce(InferContext& ctx) {
    Shape out = ctx.input_shape(0);
    const auto axis = static_cast<std::size_t>(normalize_axis(ctx.attr_int("axis", 0), ctx.input_rank(0)));
    ctx.check(out[axis] > 0, "cannot reduce an empty axis");
    if (ctx.attr_int("keepdims", 1))
        out[axis] = 1;
    else
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(axis));
    ctx.set_output(0, DType::kInt64, std::move(out));
}

/// kMax: ArgMax, else ArgMin.
template <bool kMax>
std::unique_ptr<Kernel> make_arg_reduce(const KernelInit& init) {
    const auto axis = static_cast<std::size_t>(normalize_axis(init.attr_int("axis", 0), init.input_rank(0)));
    const bool last = init.attr_int("select_last_index", 0) != 0;
    return make_kernel([axis, last](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const Shape& in = x.shape();
        const int64_t dim = in[axis], outer = product(in, 0, axis), inner = product(in, axis + 1, in.size());
        int64_t* out = r.out(0).data<int64_t>();
        dispatch_list(NumericTypes{}, x.dtype(), [&]<class T>() {
            const T* src = x.data<T>();
            parallel_for(
                outer, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(1, dim * inner)), [&](int64_t b, int64_t e) {
                    for (int64_t o = b; o < e; ++o)
                        for (int64_t i = 0; i < inner; ++i) {
                            const T* s = src + o * dim * inner + i;
                            int64_t best = 0;
                            for (int64_t j = 1; j < dim; ++j) {
                                const T v = s[j * inner], cur = s[best * inner];
                                const bool better = kMax ? (last ? v >= cur : v > cur) : (last ? v <= cur : v < cur);
                                if (better) best = j;
                            }
                            out[o * inner + i] = best;
                        }
                });
        });
    });
}

}  // namespace konnx::ops
