// SPDX-License-Identifier: MIT
#include <algorithm>

#include "graph/passes/pass_util.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {
namespace {

constexpr int64_t kWinogradMinOutputPixels = 32 * 32;

}  // namespace

// Level 1: graph rewrites whose result the reference kernels run too (fusions included: FusedConv
// has a reference kernel). Level 2 adds what only pays with oneDNN: its activation layouts.
void optimize(Model& model, int level, const OptimizeContext& context) {
    if (level < 1) return;
    remove_identities(model);
    cancel_transposes(model);
    fold_batchnorm(model);
    fuse_pad_conv(model);
    fuse_conv_activation(model);
    if (context.infer_types && fuse_conv_add(model, context.infer_types(model)))
        fuse_conv_activation(model);  // the Relu after a residual add
    if (level < 2) return;
    // Winograd (oneDNN's kernels read and write nChw16c) cuts ResNet-style 3x3 stride-1 convs' time
    // by about half (bench/bench_conv.cpp) and the whole ResNet-50's by ~12%; graphs without such convs
    // (MobileNetV2: depthwise) stay in oneDNN's preferred direct layout, a little faster there.
    // On small images (the Fashion-MNIST CNN's 26x26 and 11x11 outputs) Winograd's tile transforms
    // cost more than they save, so it needs an eligible conv with a large output (shapes unknown:
    // large). Such graphs still run direct convs in nChw16c: 1 thread, batch 1, the Fashion CNN took
    // 73 us there, 88 us in NHWC and 88 us with Winograd (minimum of 2000 runs each).
    bool winograd = false, small_winograd_convs = false;
    const auto winograd_conv = [&](const Node& n) { return is_winograd_conv(model.graph, n); };
    if (context.winograd && std::any_of(model.graph.nodes.begin(), model.graph.nodes.end(), winograd_conv)) {
        const ValueTypes types = context.infer_types ? context.infer_types(model) : ValueTypes{};
        winograd = std::any_of(model.graph.nodes.begin(), model.graph.nodes.end(), [&](const Node& n) {
            if (!winograd_conv(n)) return false;
            const auto it = types.find(n.outputs[0]);
            if (it == types.end() || it->second.shape.size() != 4) return true;
            const int64_t h = it->second.shape[2], w = it->second.shape[3];  // < 0: symbolic, maybe large
            return h < 0 || w < 0 || h * w >= kWinogradMinOutputPixels;
        });
        small_winograd_convs = !winograd;
    }
    if (winograd || small_winograd_convs)
        propagate_layouts(model, "nChw16c", winograd);
    else if (!context.conv_layout.empty())
        propagate_layouts(model, context.conv_layout);
}

}  // namespace konnx::graph
