// SPDX-License-Identifier: MIT
// AveragePool (ONNX opsets 1, 7, 10, 11): mean over each window. Attributes: kernel_shape, strides,
// pads / auto_pad, count_include_pad (7; 0 = divide by the taps inside the input, 1 = also count the
// explicit padding, never the extra reach of ceil_mode), ceil_mode (10). float32 uses oneDNN at
// optimization level 2 (except count_include_pad with ceil_mode overhang, which oneDNN would count).
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
    ctx.set_output(0, ctx.input_dtype(0), pooled_shape(ctx.input_shape(0), w));
}

template <class T>
void average_pool_reference(const Window& w, int64_t planes, bool include_pad, const T* x, T* y) {
    const int64_t in_size = w.in_size(), out_size = w.out_size();
    for_each_output(w, planes, [&](int64_t p, int64_t o, const std::array<int64_t, 3>& pos) {
        const T* xp = x + p * in_size;
        T sum = 0;
        int64_t count = 0;
        for_each_tap(w, pos, [&](int64_t i) {
            sum += xp[i];
            ++count;
        });
        if (include_pad) count = taps_within_padding(w, pos);
        y[p * out_size + o] = count > 0 ? sum / static_cast<T>(count) : T(0);
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Window w = pool_window(init);
    const Shape& x = init.input_shape(0);
    const bool include_pad = init.attr_int("count_include_pad", 0) != 0;
    if (init.optimized() && init.input_dtype(0) == DType::kFloat32)
        if (auto k = make_onednn_pool(w, x[0], x[1], include_pad ? 1 : 2)) return k;
    const int64_t planes = x[0] * x[1];
    return make_kernel([w, planes, include_pad](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            average_pool_reference<T>(w, planes, include_pad, r.in(0).data<T>(), r.out(0).data<T>());
        });
    });
}

}  // namespace

void register_average_pool(OpRegistry& registry) {
    registry.add(
        {.name = "AveragePool", .since_version = 1, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
