// SPDX-License-Identifier: MIT
// Conv (ONNX opsets 1, 11): N-D convolution, 1 to 3 spatial dims, with group, strides, dilations,
// pads or auto_pad (SAME_UPPER / SAME_LOWER / VALID) and an optional bias B[M].
//   X [N, C, spatial...], W [M, C/group, k...] -> Y [N, M, out...]
// kernel_shape, when given, must agree with W. SAME_* pads total = (out-1)*stride + (k-1)*dilation + 1 - in,
// the odd element going at the end (UPPER) or the beginning (LOWER). float32 runs on oneDNN at
// optimization level 2 (weights reordered once at plan time when they are constant); float64 and
// level 0 use the reference loop below.
#include <algorithm>

#include "core/dispatch.hpp"
#include "ops/support/conv_shape.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const ConvShape s = conv_shape(ctx);
    Shape out{s.batch, s.out_channels};
    for (int64_t d : s.window.model_dims(s.window.out))
        out.push_back(d);
    ctx.set_output(0, ctx.input_dtype(0), out);
}

// 1x1 convolutions on plain NCHW are one GEMM per image, which oneDNN's gemm path runs at full speed
// without reordering activations; wider kernels (and depthwise) are faster in oneDNN's blocked layouts
// even counting the reorders (measured in bench/bench_conv.cpp).
kernels::onednn::Layout layout_for(const kernels::onednn::ConvParams& p) {
    const bool pointwise = std::all_of(p.kernel.begin(), p.kernel.end(), [](int64_t k) { return k == 1; });
    return pointwise && p.groups == 1 ? kernels::onednn::Layout::kPlain : kernels::onednn::Layout::kAuto;
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const ConvShape s = conv_shape(init);
    const bool empty = s.batch == 0 || s.out_channels == 0 || s.in_channels == 0;
    if (init.optimized() && init.input_dtype(0) == DType::kFloat32 && !empty) {
        const Tensor* w = init.input_value(1);
        try {
            struct OneDnnConv final : Kernel {
                kernels::onednn::Conv conv;
                OneDnnConv(const kernels::onednn::ConvParams& p, const float* w) : conv(p, w, layout_for(p)) {}
                void run(const KernelRun& r) const override {
                    conv.run(r.in(0).data<float>(), r.in(1).data<float>(),
                             r.has_in(2) ? r.in(2).data<float>() : nullptr, r.out(0).data<float>(), r.scratch);
                }
                std::size_t scratch_bytes() const override { return conv.scratch_bytes(); }
            };
            return std::make_unique<OneDnnConv>(onednn_conv_params(s, init.has_input(2)),
                                                w ? w->data<float>() : nullptr);
        } catch (const dnnl::error&) {
            // no oneDNN implementation for this configuration: use the reference kernel
        }
    }
    return make_kernel([s](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            conv_reference<T>(s, r.in(0).data<T>(), r.in(1).data<T>(), r.has_in(2) ? r.in(2).data<T>() : nullptr,
                              r.out(0).data<T>());
        });
    });
}

}  // namespace

void register_conv(OpRegistry& registry) {
    registry.add({.name = "Conv",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = conv_cost,
                  .packed_float_inputs = 1u << 1});
}

}  // namespace konnx::ops
