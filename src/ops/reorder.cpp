// SPDX-License-Identifier: MIT
// Reorder (internal, domain ai.konnx; contract in src/graph/internal_ops.hpp): converts a 2-D NCHW
// float32 tensor between layouts (ops/support/blocked_layout.hpp) at the edges of the region that
// graph::propagate_layouts keeps in oneDNN's layout. oneDNN's reorder at level 2, plain loops otherwise.
#include "graph/internal_ops.hpp"
#include "kernels/onednn/conv.hpp"
#include "ops/support/blocked_layout.hpp"

namespace konnx::ops {
namespace {

struct ReorderShape {
    ActivationLayout from = ActivationLayout::kPlain, to = ActivationLayout::kPlain;
    Shape logical;
};

ReorderShape reorder_shape(const NodeContext& ctx) {
    ReorderShape s{layout_attr(ctx, "from_layout"), layout_attr(ctx, "to_layout"), {}};
    ctx.check(ctx.input_dtype(0) == DType::kFloat32, "Reorder runs on float32 only");
    const Shape& x = ctx.input_shape(0);
    const bool plain = s.from == ActivationLayout::kPlain;
    const int64_t channels = ctx.attr_int("channels", plain && x.size() > 1 ? x[1] : -1);
    s.logical = logical_shape(ctx, x, s.from, channels, "input X");
    ctx.check(s.logical.size() == 4 && s.logical[1] == channels, "Reorder takes a 4-D NCHW tensor of ", channels,
              " channels, got ", shape_str(s.logical));
    return s;
}

void infer(InferContext& ctx) {
    const ReorderShape s = reorder_shape(ctx);
    ctx.set_output(0, DType::kFloat32, physical_shape(s.logical, s.to));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const ReorderShape s = reorder_shape(init);
    if (init.optimized()) {
        namespace dnn = kernels::onednn;
        try {
            struct OneDnnReorder final : Kernel {
                dnnl::memory::desc from, to;
                dnn::ScratchLayout layout;
                dnn::Reorder reorder;
                OneDnnReorder(const dnnl::memory::desc& f, const dnnl::memory::desc& t)
                    : from(f), to(t), reorder(f, t, layout) {}
                void run(const KernelRun& r) const override {
                    dnnl::stream& stream = dnn::thread_stream();
                    reorder.run(stream, dnn::wrap(from, r.in(0).data<float>()), dnn::wrap(to, r.out(0).data<float>()),
                                r.scratch.data());
                    stream.wait();
                }
                std::size_t scratch_bytes() const override { return layout.total(); }
            };
            const dnn::dims dims(s.logical.begin(), s.logical.end());
            return std::make_unique<OneDnnReorder>(dnn::activation_desc(dims, s.from),
                                                   dnn::activation_desc(dims, s.to));
        } catch (const dnnl::error&) {
            // no oneDNN reorder for these layouts: the loops below
        }
    }
    return make_kernel([s](const KernelRun& r) {
        const int64_t n = s.logical[0], c = s.logical[1], hw = s.logical[2] * s.logical[3];
        const float* x = r.in(0).data<float>();
        float* y = r.out(0).data<float>();
        if (s.from == s.to) {
            std::copy(x, x + r.in(0).numel(), y);
        } else if (s.from == ActivationLayout::kPlain) {
            from_plain(x, y, n, c, hw, s.to);
        } else if (s.to == ActivationLayout::kPlain) {
            to_plain(x, y, n, c, hw, s.from);
        } else {  // between two non-plain layouts through plain (the passes never ask for it)
            std::vector<float> plain(static_cast<std::size_t>(n * c * hw));
            to_plain(x, plain.data(), n, c, hw, s.from);
            from_plain(plain.data(), y, n, c, hw, s.to);
        }
    });
}

}  // namespace

void register_reorder(OpRegistry& registry) {
    registry.add({.name = "Reorder",
                  .domain = graph::kInternalDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
