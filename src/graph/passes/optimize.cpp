// SPDX-License-Identifier: MIT
#include <algorithm>

#include "graph/passes/pass_util.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {

// Level 1: graph rewrites whose result the reference kernels run too (fusions included: FusedConv
// has a reference kernel). Level 2 adds what only pays with oneDNN: its activation layouts.
void optimize(Model& model, int level, const OptimizeContext& context) {
    if (level < 1) return;
    remove_identities(model);
    cancel_transposes(model);
    fold_batchnorm(model);
    fuse_conv_activation(model);
    if (context.infer_types && fuse_conv_add(model, context.infer_types(model)))
        fuse_conv_activation(model);  // the Relu after a residual add
    if (level < 2) return;
    // Winograd (oneDNN's kernels read and write nChw16c) cuts ResNet-style 3x3 stride-1 convs' time
    // by about half (bench/bench_conv.cpp) and the whole ResNet-50's by ~12%; graphs without such convs
    // (MobileNetV2: depthwise) stay in oneDNN's preferred direct layout, a little faster there.
    const bool winograd =
        context.winograd && std::any_of(model.graph.nodes.begin(), model.graph.nodes.end(),
                                        [&](const Node& n) { return is_winograd_conv(model.graph, n); });
    if (winograd)
        propagate_layouts(model, "nChw16c", true);
    else if (!context.conv_layout.empty())
        propagate_layouts(model, context.conv_layout);
}

}  // namespace konnx::graph
