// SPDX-License-Identifier: MIT
// LRN (ONNX opsets 1, 13): local response normalization across channels of X [N, C, ...]:
//   y = x / (bias + alpha / size * sum over c' in [c - floor((size-1)/2), c + ceil((size-1)/2)] of x[c']^2)^beta
// Defaults alpha 1e-4, beta 0.75, bias 1; size is required.
#include <cmath>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() >= 2, "X must have rank >= 2 (N, C, ...), got ", shape_str(x));
    ctx.check(ctx.attr_int("size") >= 1, "size must be >= 1");
    ctx.set_output(0, ctx.input_dtype(0), x);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const int64_t size = init.attr_int("size");
    const double alpha = init.attr_float("alpha", 1e-4f), beta = init.attr_float("beta", 0.75f),
                 bias = init.attr_float("bias", 1.0f);
    return make_kernel([=](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            const Tensor& x = r.in(0);
            const int64_t n = x.dim(0), c = x.dim(1), plane = n * c != 0 ? x.numel() / (n * c) : 0;
            const int64_t before = (size - 1) / 2, after = size - 1 - before;
            const T* in = x.data<T>();
            T* out = r.out(0).data<T>();
            parallel_for(n * c, 1, [&](int64_t begin, int64_t end) {
                for (int64_t nc = begin; nc < end; ++nc) {
                    const int64_t b = nc / c, ch = nc % c;
                    const int64_t lo = std::max<int64_t>(0, ch - before), hi = std::min<int64_t>(c - 1, ch + after);
                    for (int64_t i = 0; i < plane; ++i) {
                        double sq = 0;
                        for (int64_t k = lo; k <= hi; ++k) {
                            const double v = in[(b * c + k) * plane + i];
                            sq += v * v;
                        }
                        const int64_t at = nc * plane + i;
                        out[at] =
                            static_cast<T>(in[at] / std::pow(bias + alpha / static_cast<double>(size) * sq, beta));
                    }
                }
            });
        });
    });
}

}  // namespace

void register_lrn(OpRegistry& registry) {
    registry.add({.name = "LRN", .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
