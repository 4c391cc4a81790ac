// SPDX-License-Identifier: MIT
// Graph-level optimizations, run once at session load (level >= 1). Each pass lives in its own
// file here and keeps the graph's outputs bit-for-bit or within float rounding of the original.
#pragma once

#include "graph/ir.hpp"

namespace konnx::graph {

/// Runs the passes enabled at `level` in order, to a fixed point where a pass asks for it.
void optimize(Model& model, int level);

/// Removes Identity and inference-mode Dropout nodes, rewiring their consumers.
bool remove_identities(Model& model);

/// Folds inference BatchNormalization into the preceding Conv's weights and bias.
bool fold_batchnorm(Model& model);

/// Composes, folds and cancels Transposes (see cancel_transposes.cpp); true if the graph changed.
bool cancel_transposes(Model& model);

/// Conv followed by an activation -> FusedConv with that activation (fuse_conv_activation.cpp).
bool fuse_conv_activation(Model& model);

/// Add(Conv(...), z) of one shape -> FusedConv with residual input z (fuse_conv_add.cpp); needs
/// fixed graph input shapes.
bool fuse_conv_add(Model& model);

/// Keeps conv activations in `layout` ("NHWC", "nChw8c" or "nChw16c": oneDNN's preferred one) from
/// conv to conv, with Reorders only at the region's edges (propagate_layouts.cpp).
bool propagate_layouts(Model& model, const std::string& layout);

}  // namespace konnx::graph
