// SPDX-License-Identifier: MIT
// Graph-level optimizations, run once at session load (level >= 1). Each pass lives in its own
// file here and keeps the graph's outputs bit-for-bit or within float rounding of the original.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>

#include "graph/ir.hpp"

namespace konnx::graph {

struct ValueType {
    DType dtype = DType::kUndefined;
    Shape shape;
};
using ValueTypes = std::unordered_map<std::string, ValueType>;

/// What the passes need from outside src/graph (runtime::optimize_context() fills it in).
struct OptimizeContext {
    /// dtype and shape of every value computable from the graph input shapes; dims that depend on a free
    /// input dim are negative ids (equal ids: equal sizes), see runtime::infer_value_types.
    std::function<ValueTypes(const Model&)> infer_types;
    std::string conv_layout;  ///< oneDNN's preferred direct-conv layout: "NHWC", "nChw8c", "nChw16c"; "" = plain
    bool winograd = false;    ///< oneDNN has f32 Winograd convolutions here (they use nChw16c)
};

/// Runs the passes enabled at `level` in order, to a fixed point where a pass asks for it.
void optimize(Model& model, int level, const OptimizeContext& context = {});

/// float16/bfloat16 graphs computed in float32: 16-bit inputs cast once, weights and constants widened, outputs
/// cast back (compute_half_in_float.cpp); run at every level. True if the graph changed.
bool compute_half_in_float(Model& model);

/// Removes Identity and inference-mode Dropout nodes, rewiring their consumers.
bool remove_identities(Model& model);

/// Folds inference BatchNormalization into the preceding Conv's weights and bias.
bool fold_batchnorm(Model& model);

/// Composes, folds and cancels Transposes (see cancel_transposes.cpp); true if the graph changed.
bool cancel_transposes(Model& model);

/// Zero-padding Pad -> Conv becomes the Conv with larger pads (fuse_pad_conv.cpp); true if the graph changed.
bool fuse_pad_conv(Model& model);

/// Conv followed by an activation -> FusedConv with that activation (fuse_conv_activation.cpp).
bool fuse_conv_activation(Model& model);

/// Add(Conv(...), z) of one shape -> FusedConv with residual input z (fuse_conv_add.cpp); `types`
/// proves the shapes equal (nothing is fused without them).
bool fuse_conv_add(Model& model, const ValueTypes& types);

/// Keeps conv activations in `layout` ("NHWC", "nChw8c" or "nChw16c": oneDNN's preferred one) from
/// conv to conv, with Reorders only at the region's edges (propagate_layouts.cpp).
/// With `winograd`, 3x3 stride-1 convs are marked to run oneDNN's Winograd algorithm.
bool propagate_layouts(Model& model, const std::string& layout, bool winograd = false);

}  // namespace konnx::graph
