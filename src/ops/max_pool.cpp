// SPDX-License-Identifier: MIT
// MaxPool (ONNX opsets 1, 8, 10, 11, 12): max over each window; taps in the padding are ignored.
// Attributes: kernel_shape, strides, pads / auto_pad, dilations (10), ceil_mode (10), storage_order (8).
// Optional output Indices (8): int64 flat index of each maximum in X (the first one on ties), with
// the spatial part row-major (storage_order 0) or column-major (1). ceil_mode windows must start in
// the input or the left padding. Types: float, double, int8, uint8 (12). float32 without Indices uses
// oneDNN at optimization level 2.
#include "core/dispatch.hpp"
#include "ops/support/nn_window.hpp"

namespace konnx::ops {
namespace {

Window pool_window(const NodeContext& ctx) {
    const std::vector<int64_t> in = spatial_dims(ctx, ctx.input_shape(0), "input X");
    return make_window(ctx, WindowKind::kPool, in, pool_kernel_shape(ctx, in.size()));
}

bool wants_indices(const NodeContext& ctx) { return ctx.node().outputs.size() > 1 && !ctx.node().outputs[1].empty(); }

void infer(InferContext& ctx) {
    const Window w = pool_window(ctx);
    const int64_t order = ctx.attr_int("storage_order", 0);
    ctx.check(order == 0 || order == 1, "storage_order must be 0 or 1, got ", order);
    const Shape out = pooled_shape(ctx.input_shape(0), w);
    ctx.set_output(0, ctx.input_dtype(0), out);
    if (wants_indices(ctx)) ctx.set_output(1, DType::kInt64, out);
}

template <class T>
void max_pool_reference(const Window& w, int64_t planes, bool column_major, const T* x, T* y, int64_t* indices) {
    max_pool_planes(w, planes, x, y, indices);
    if (!indices) return;
    // In-plane offsets (row-major) to the flat indices ONNX reports.
    const int64_t in_size = w.in_size(), out_size = w.out_size();
    for (int64_t p = 0; p < planes; ++p)
        for (int64_t o = 0; o < out_size; ++o) {
            int64_t& i = indices[p * out_size + o];
            if (i < 0) continue;
            if (column_major) {
                const int64_t id = i / (w.in[1] * w.in[2]), ih = i / w.in[2] % w.in[1], iw = i % w.in[2];
                i = id + w.in[0] * (ih + w.in[1] * iw);
            }
            i += p * in_size;
        }
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Window w = pool_window(init);
    const Shape& x = init.input_shape(0);
    const bool indices = wants_indices(init);
    if (init.optimized() && init.input_dtype(0) == DType::kFloat32 && !indices)
        if (auto k = make_onednn_pool(w, x[0], x[1], 0)) return k;
    const bool column_major = init.attr_int("storage_order", 0) == 1;
    const int64_t planes = x[0] * x[1];
    return make_kernel([w, planes, column_major, indices](const KernelRun& r) {
        dispatch<float, double, int8_t, uint8_t>(r.in(0).dtype(), [&]<class T>() {
            max_pool_reference<T>(w, planes, column_major, r.in(0).data<T>(), r.out(0).data<T>(),
                                  indices && r.has_out(1) ? r.out(1).data<int64_t>() : nullptr);
        });
    });
}

}  // namespace

void register_max_pool(OpRegistry& registry) {
    registry.add({.name = "MaxPool", .since_version = 1, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
