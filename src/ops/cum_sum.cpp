// SPDX-License-Identifier: MIT
// CumSum (ONNX opsets 11, 14): running sum along the axis given by the scalar input 1 (int32/int64,
// negative allowed). exclusive=1 leaves out the current element, reverse=1 sums from the end.
#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(checked_numel(ctx.input_shape(1)) == 1, "axis must be a scalar");
    ctx.check(ctx.input_rank(0) >= 1, "input must have rank >= 1");
    if (const Tensor* a = ctx.input_value(1)) axis_index(ctx, int_values(*a)[0], ctx.input_rank(0));
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const bool exclusive = init.attr_int("exclusive", 0) != 0, reverse = init.attr_int("reverse", 0) != 0;
    return make_kernel([exclusive, reverse](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const auto axis =
            static_cast<std::size_t>(normalize_axis(int_values(r.in(1))[0], static_cast<int64_t>(x.rank())));
        const Shape& s = x.shape();
        const int64_t dim = s[axis], outer = product(s, 0, axis), inner = product(s, axis + 1, s.size());
        dispatch_list(TypeList<float, double, int32_t, int64_t, uint32_t, uint64_t>{}, x.dtype(), [&]<class T>() {
            const T* src = x.data<T>();
            T* dst = r.out(0).data<T>();
            parallel_for(outer, 1, [&](int64_t b, int64_t e) {
                std::vector<T> acc(static_cast<std::size_t>(inner));
                for (int64_t o = b; o < e; ++o) {
                    std::fill(acc.begin(), acc.end(), T(0));
                    for (int64_t step = 0; step < dim; ++step) {
                        const int64_t j = reverse ? dim - 1 - step : step;
                        const T* sr = src + (o * dim + j) * inner;
                        T* dr = dst + (o * dim + j) * inner;
                        for (int64_t i = 0; i < inner; ++i) {
                            const T v = sr[i];
                            if (exclusive) {
                                dr[i] = acc[static_cast<std::size_t>(i)];
                                acc[static_cast<std::size_t>(i)] += v;
                            } else {
                                acc[static_cast<std::size_t>(i)] += v;
                                dr[i] = acc[static_cast<std::size_t>(i)];
                            }
                        }
                    }
                }
            });
        });
    });
}

}  // namespace

void register_cum_sum(OpRegistry& registry) {
    registry.add({.name = "CumSum", .since_version = 11, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
