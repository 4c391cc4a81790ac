// SPDX-License-Identifier: MIT
// LpPool (ONNX opsets 2, 11): y = (sum over the window of |x|^p)^(1/p), p defaults to 2; padding taps
// contribute 0. Attributes: kernel_shape, strides, pads / auto_pad (dilations and ceil_mode are opset 18).
#include <cmath>

#include "core/dispatch.hpp"
#include "ops/support/nn_window.hpp"

namespace konnx::ops {
namespace {

Window pool_window(const NodeContext& ctx) {
    const std::vector<int64_t> in = spatial_dims(ctx, ctx.input_shape(0), "input X");
    return make_window(ctx, WindowKind::kPool, in, pool_kernel_shape(ctx, in.size()));
}

void infer(InferContext& ctx) {
    const Window w = pool_window(ctx);
    ctx.check(ctx.attr_int("p", 2) >= 1, "p must be >= 1");
    ctx.set_output(0, ctx.input_dtype(0), pooled_shape(ctx.input_shape(0), w));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Window w = pool_window(init);
    const int64_t planes = init.input_shape(0)[0] * init.input_shape(0)[1];
    const double p = static_cast<double>(init.attr_int("p", 2));
    return make_kernel([w, planes, p](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            T* y = r.out(0).data<T>();
            for_each_output(w, planes, [&](int64_t plane, int64_t o, const std::array<int64_t, 3>& pos) {
                const T* xp = x + plane * w.in_size();
                double sum = 0;
                for_each_tap(w, pos, [&](int64_t i) { sum += std::pow(std::fabs(static_cast<double>(xp[i])), p); });
                y[plane * w.out_size() + o] = static_cast<T>(std::pow(sum, 1.0 / p));
            });
        });
    });
}

}  // namespace

void register_lp_pool(OpRegistry& registry) {
    registry.add({.name = "LpPool", .since_version = 2, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
