// SPDX-License-Identifier: MIT
#include "graph/passes/passes.hpp"
#include "kernels/onednn/conv.hpp"

namespace konnx::graph {
namespace {

// The attribute string of oneDNN's preferred convolution layout here, "" when plain.
std::string onednn_layout() {
    using L = kernels::onednn::ActivationLayout;
    switch (kernels::onednn::preferred_activation_layout()) {
        case L::kChannelsLast: return "NHWC";
        case L::kBlocked8: return "nChw8c";
        case L::kBlocked16: return "nChw16c";
        case L::kPlain: break;
    }
    return "";
}

}  // namespace
}  // namespace konnx::graph

namespace konnx::graph {

// Level 1: graph rewrites whose result the reference kernels run too (fusions included: FusedConv
// has a reference kernel). Level 2 adds what only pays with oneDNN: blocked activation layouts.
void optimize(Model& model, int level) {
    if (level < 1) return;
    remove_identities(model);
    cancel_transposes(model);
    fold_batchnorm(model);
    fuse_conv_activation(model);
    if (fuse_conv_add(model)) fuse_conv_activation(model);  // the Relu after a residual add
    if (const std::string layout = onednn_layout(); level >= 2 && !layout.empty()) propagate_layouts(model, layout);
}

}  // namespace konnx::graph
