// SPDX-License-Identifier: MIT
// GroupNormalization (ONNX opsets 18, 21): X [N, C, ...] is split into num_groups groups of C / num_groups
// channels; each (instance, group) is normalized by its own mean and biased variance, then scaled and shifted:
// y = scale * (x - mean) / sqrt(var + epsilon) + bias. Opset 18 has one scale and bias per group ([num_groups]),
// opset 21 one per channel ([C]). The statistics are computed in double whatever stash_type asks (at least
// float's precision, which stash_type = 1, the default, requests). Types: float, double, float16, bfloat16.
#include <cmath>

#include "core/parallel.hpp"
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

int64_t groups(const NodeContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() >= 2, "X must have rank >= 2 (N, C, ...), got ", shape_str(x));
    const int64_t g = ctx.attr_int("num_groups");
    ctx.check(g >= 1 && x[1] % g == 0, "num_groups (", g, ") must be a positive divisor of the channel count ", x[1]);
    return g;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 3, "expects 3 inputs (X, scale, bias)");
    check_dtype_in<FloatHalfTypes>(ctx, 0);
    const int64_t g = groups(ctx);
    const int64_t per = ctx.opset() >= 21 ? ctx.input_shape(0)[1] : g;
    for (std::size_t i : {1, 2}) {
        check_same_dtype(ctx, i);
        ctx.check(ctx.input_shape(i) == Shape{per}, i == 1 ? "scale" : "bias", " must have shape [", per, "], got ",
                  shape_str(ctx.input_shape(i)));
    }
    const int64_t stash = ctx.attr_int("stash_type", 1);
    ctx.check(stash == 1 || stash == 11 || stash == 10 || stash == 16, "stash_type ", stash, " is not a float type");
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

template <class T>
void group_norm(const Tensor& xt, const Tensor& st, const Tensor& bt, int64_t num_groups, bool per_channel, double eps,
                Tensor& yt) {
    const int64_t n = xt.dim(0), c = xt.dim(1), per_group = c / num_groups;
    const int64_t spatial = n * c != 0 ? xt.numel() / (n * c) : 0, size = per_group * spatial;
    const T *x = xt.data<T>(), *scale = st.data<T>(), *bias = bt.data<T>();
    T* y = yt.data<T>();
    parallel_for(n * num_groups, 1, [&](int64_t begin, int64_t end) {
        for (int64_t ig = begin; ig < end; ++ig) {
            const T* xp = x + ig * size;
            double sum = 0, sq = 0;
            for (int64_t i = 0; i < size; ++i)
                sum += widen(xp[i]);
            const double mean = size ? sum / static_cast<double>(size) : 0.0;
            for (int64_t i = 0; i < size; ++i) {
                const double d = widen(xp[i]) - mean;
                sq += d * d;
            }
            const double inv = 1.0 / std::sqrt((size ? sq / static_cast<double>(size) : 0.0) + eps);
            const int64_t group = ig % num_groups;
            for (int64_t ch = 0; ch < per_group; ++ch) {
                const int64_t p = per_channel ? group * per_group + ch : group;
                const double a = widen(scale[p]) * inv, b = widen(bias[p]) - mean * a;
                const int64_t at = ig * size + ch * spatial;
                for (int64_t i = 0; i < spatial; ++i)
                    y[at + i] = narrow<T>(widen(x[at + i]) * a + b);
            }
        }
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const int64_t g = groups(init);
    const bool per_channel = init.opset() >= 21;
    const double eps = init.attr_float("epsilon", 1e-5f);
    return make_kernel([g, per_channel, eps](const KernelRun& r) {
        dispatch_list(FloatHalfTypes{}, r.in(0).dtype(),
                      [&]<class T>() { group_norm<T>(r.in(0), r.in(1), r.in(2), g, per_channel, eps, r.out(0)); });
    });
}

}  // namespace

void register_group_normalization(OpRegistry& registry) {
    registry.add({.name = "GroupNormalization",
                  .since_version = 18,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
    registry.add({.name = "GroupNormalization",
                  .since_version = 21,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
