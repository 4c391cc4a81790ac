// SPDX-License-Identifier: MIT
// TopK (ONNX opsets 1, 10, 11): the k largest (or, opset 11 largest=0, smallest) elements along `axis`
// (default -1) with their int64 indices. k is an attribute in opset 1 and input 1 from 10. Equal values
// keep the lower index first; the output is always sorted (sorted=0 leaves the order unspecified).
#include <algorithm>
#include <numeric>

#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

int64_t k_of(const NodeContext& ctx) {
    if (ctx.opset() < 10) return ctx.attr_int("k");
    const auto k = int_values(ctx.require_value(1));
    ctx.check(k.size() == 1, "K must have one element");
    return k[0];
}

void infer(InferContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    const auto axis = static_cast<std::size_t>(normalize_axis(ctx.attr_int("axis", -1), ctx.input_rank(0)));
    const int64_t k = k_of(ctx);
    ctx.check(k >= 0 && k <= in[axis], "k = ", k, " is out of range for an axis of ", in[axis]);
    Shape out = in;
    out[axis] = k;
    ctx.set_output(0, ctx.input_dtype(0), out);
    ctx.set_output(1, DType::kInt64, out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto axis = static_cast<std::size_t>(normalize_axis(init.attr_int("axis", -1), init.input_rank(0)));
    const bool largest = init.attr_int("largest", 1) != 0;
    return make_kernel([axis, largest](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const Shape& in = x.shape();
        const int64_t dim = in[axis], k = r.out(0).shape()[axis];
        const int64_t outer = product(in, 0, axis), inner = product(in, axis + 1, in.size());
        dispatch_list(
            TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>{},
            x.dtype(), [&]<class T>() {
                const T* src = x.data<T>();
                T* values = r.out(0).data<T>();
                int64_t* indices = r.out(1).data<int64_t>();
                parallel_for(outer * inner, 16, [&](int64_t b, int64_t e) {
                    std::vector<int64_t> order(static_cast<std::size_t>(dim));
                    for (int64_t row = b; row < e; ++row) {
                        const int64_t o = row / inner, i = row % inner;
                        const T* s = src + o * dim * inner + i;
                        std::iota(order.begin(), order.end(), 0);
                        auto before = [&](int64_t a, int64_t c) {
                            const T va = s[a * inner], vc = s[c * inner];
                            if (va != vc) return largest ? va > vc : va < vc;
                            return a < c;
                        };
                        std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
                        for (int64_t j = 0; j < k; ++j) {
                            const int64_t at = (o * k + j) * inner + i;
                            values[at] = s[order[static_cast<std::size_t>(j)] * inner];
                            indices[at] = order[static_cast<std::size_t>(j)];
                        }
                    }
                });
            });
    });
}

}  // namespace

void register_top_k(OpRegistry& registry) {
    registry.add({.name = "TopK", .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
