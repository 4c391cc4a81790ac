// SPDX-License-Identifier: MIT
// LayoutMaxPool (internal, domain ai.konnx; contract in src/graph/internal_ops.hpp): a 2-D float32
// MaxPool inside a convolution region, reading and writing the region's layout (x_layout = y_layout), so
// the pool between a CNN's stem and its first block (ResNet's 3x3 stride-2 max pool) costs no Reorder
// on either side. oneDNN's pooling at level 2; the reference converts to NCHW, pools and converts back.
#include "graph/internal_ops.hpp"
#include "ops/support/blocked_layout.hpp"
#include "ops/support/nn_window.hpp"

namespace konnx::ops {
namespace {

struct PoolShape {
    ActivationLayout layout = ActivationLayout::kPlain;
    Shape logical;  // X: [N, C, H, W]
    Window window;
};

PoolShape pool_shape(const NodeContext& ctx) {
    PoolShape s;
    s.layout = layout_attr(ctx, "x_layout");
    ctx.check(layout_attr(ctx, "y_layout") == s.layout, "x_layout and y_layout must be the same");
    ctx.check(ctx.input_dtype(0) == DType::kFloat32, "LayoutMaxPool runs on float32 only");
    const int64_t channels = ctx.attr_int("channels", -1);
    s.logical = logical_shape(ctx, ctx.input_shape(0), s.layout, channels, "input X");
    ctx.check(s.logical.size() == 4 && s.logical[1] == channels, "takes a 4-D NCHW tensor of ", channels,
              " channels, got ", shape_str(s.logical));
    const std::vector<int64_t> in = spatial_dims(ctx, s.logical, "input X");
    s.window = make_window(ctx, WindowKind::kPool, in, pool_kernel_shape(ctx, in.size()));
    return s;
}

void infer(InferContext& ctx) {
    const PoolShape s = pool_shape(ctx);
    ctx.set_output(0, DType::kFloat32, physical_shape(pooled_shape(s.logical, s.window), s.layout));
}

class ReferenceLayoutMaxPool final : public Kernel {
public:
    explicit ReferenceLayoutMaxPool(PoolShape s) : s_(std::move(s)) {}
    std::size_t scratch_bytes() const override {
        return static_cast<std::size_t>(planes() * (s_.window.in_size() + s_.window.out_size())) * sizeof(float);
    }
    void run(const KernelRun& r) const override {
        float* x = reinterpret_cast<float*>(r.scratch.data());
        float* y = x + planes() * s_.window.in_size();
        const int64_t n = s_.logical[0], c = s_.logical[1];
        to_plain(r.in(0).data<float>(), x, n, c, s_.window.in_size(), s_.layout);
        max_pool_planes<float>(s_.window, planes(), x, y, nullptr);
        from_plain(y, r.out(0).data<float>(), n, c, s_.window.out_size(), s_.layout);
    }

private:
    int64_t planes() const { return s_.logical[0] * s_.logical[1]; }
    PoolShape s_;
};

std::unique_ptr<Kernel> make(const KernelInit& init) {
    PoolShape s = pool_shape(init);
    if (init.optimized())
        if (auto k = make_onednn_pool(s.window, s.logical[0], s.logical[1], 0, s.layout)) return k;
    return std::make_unique<ReferenceLayoutMaxPool>(std::move(s));
}

}  // namespace

void register_layout_max_pool(OpRegistry& registry) {
    registry.add({.name = "LayoutMaxPool",
                  .domain = graph::kInternalDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
