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

}  // namespace konnx::graph
