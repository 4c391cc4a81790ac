// SPDX-License-Identifier: MIT
// LayoutGlobalAveragePool (internal, domain ai.konnx; contract in src/graph/internal_ops.hpp): ONNX
// GlobalAveragePool reading X in a convolution region's layout (NHWC, nChw8c, nChw16c), so the last
// feature map of a CNN (ResNet's 2048x7x7, MobileNetV2's 1280x7x7) needs no Reorder back to NCHW before
// the classifier: the mean of each channel is a sum of channel vectors, and the output [N, C, 1, 1] is
// the same bytes in every layout.
#include "graph/internal_ops.hpp"
#include "ops/support/blocked_layout.hpp"

namespace konnx::ops {
namespace {

struct PoolShape {
    ActivationLayout layout = ActivationLayout::kPlain;
    Shape logical;  // [N, C, H, W]
};

PoolShape pool_shape(const NodeContext& ctx) {
    PoolShape s{layout_attr(ctx, "x_layout"), {}};
    ctx.check(ctx.input_dtype(0) == DType::kFloat32, "LayoutGlobalAveragePool runs on float32 only");
    const int64_t channels = ctx.attr_int("channels", -1);
    s.logical = logical_shape(ctx, ctx.input_shape(0), s.layout, channels, "input X");
    ctx.check(s.logical.size() == 4 && s.logical[1] == channels, "takes a 4-D NCHW tensor of ", channels,
              " channels, got ", shape_str(s.logical));
    return s;
}

void infer(InferContext& ctx) {
    const PoolShape s = pool_shape(ctx);
    ctx.set_output(0, DType::kFloat32, {s.logical[0], s.logical[1], 1, 1});
}

// Channel c of pixel p sits at x[p * stride + c] within one group of `width` channels; sums run over
// pixels in order, as the plain GlobalAveragePool's do.
void mean_over_pixels(const float* x, int64_t pixels, int64_t stride, int64_t width, float* out) {
    std::fill_n(out, width, 0.f);
    for (int64_t p = 0; p < pixels; ++p)
        for (int64_t c = 0; c < width; ++c)
            out[c] += x[p * stride + c];
    const float count = static_cast<float>(pixels);
    for (int64_t c = 0; c < width; ++c)
        out[c] = pixels > 0 ? out[c] / count : 0.f;
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const PoolShape s = pool_shape(init);
    return make_kernel([s](const KernelRun& r) {
        const int64_t n = s.logical[0], c = s.logical[1], hw = s.logical[2] * s.logical[3];
        const float* x = r.in(0).data<float>();
        float* y = r.out(0).data<float>();
        if (s.layout == ActivationLayout::kPlain) {
            for (int64_t i = 0; i < n * c; ++i)
                mean_over_pixels(x + i * hw, hw, 1, 1, y + i);
        } else if (s.layout == ActivationLayout::kChannelsLast) {
            for (int64_t i = 0; i < n; ++i)
                mean_over_pixels(x + i * hw * c, hw, c, c, y + i * c);
        } else {  // nChw8c / nChw16c: [N, ceil(C/b), H, W, b]
            const int64_t b = s.layout == ActivationLayout::kBlocked8 ? 8 : 16, blocks = (c + b - 1) / b;
            float sums[16];
            for (int64_t i = 0; i < n; ++i)
                for (int64_t g = 0; g < blocks; ++g) {
                    mean_over_pixels(x + (i * blocks + g) * hw * b, hw, b, b, sums);
                    std::copy_n(sums, std::min(b, c - g * b), y + i * c + g * b);
                }
        }
    });
}

}  // namespace

void register_layout_global_average_pool(OpRegistry& registry) {
    registry.add({.name = "LayoutGlobalAveragePool",
                  .domain = graph::kInternalDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
