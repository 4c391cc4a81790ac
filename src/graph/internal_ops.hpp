// SPDX-License-Identifier: MIT
// Internal ops: what the graph passes (src/graph/passes) rewrite standard nodes into at load time.
// They live in their own domain, imported by the passes that create them, and are implemented in
// src/ops like any other op (fused_conv.cpp, reorder.cpp). Model files never need them.
//
// FusedConv(X, W, B?, Z?) -> Y                                  (src/ops/fused_conv.cpp)
//   Conv with its epilogue: Y = post_activation(activation(Conv(X, W) + B) + Z).
//   Attributes: Conv's (auto_pad, dilations, group, kernel_shape, pads, strides), plus
//     activation, post_activation   string, "" = none; one of Relu, LeakyRelu, Clip, Sigmoid,
//                                   HardSigmoid, HardSwish, Tanh, Elu (ONNX semantics);
//     activation_params, post_activation_params   floats: LeakyRelu/Elu {alpha}, Clip {min, max},
//                                   HardSigmoid {alpha, beta}, others {};
//     x_layout, y_layout            string, "NCHW" (default), "NHWC", "nChw8c" or "nChw16c"
//                                   (src/ops/support/blocked_layout.hpp). Z is stored like Y.
//     algorithm                     string, "direct" (default) or "winograd" (oneDNN's Winograd
//                                   when it has a kernel for the conv, else direct; the reference
//                                   kernel always computes the direct sum).
//
// Reorder(X) -> Y                                               (src/ops/reorder.cpp)
//   The same 2-D NCHW tensor in another layout. Attributes: from_layout, to_layout (as above) and
//   channels (the logical C, needed to read a non-plain tensor).
//
// LayoutMaxPool(X) -> Y                                 (src/ops/layout_max_pool.cpp)
//   2-D MaxPool (its attributes; no Indices) of a tensor stored in x_layout, written in y_layout (the
//   same layout); channels = the logical C.
//
// LayoutGlobalAveragePool(X) -> Y                       (src/ops/layout_global_average_pool.cpp)
//   GlobalAveragePool of a 2-D tensor stored in x_layout (as above; channels = the logical C): Y is
//   [N, C, 1, 1], plain (the same bytes in every layout).
#pragma once

namespace konnx::graph {

inline constexpr const char* kInternalDomain = "ai.konnx";
inline constexpr int kInternalOpset = 1;

}  // namespace konnx::graph
