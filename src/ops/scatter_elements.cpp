// SPDX-License-Identifier: MIT
// ScatterElements (ONNX opsets 11, 13, 16, 18): writes `updates` into a copy of `data` at the positions
// given by `indices` along `axis` (negative indices wrap). Opset 16 adds reduction add/mul, 18 max/min.
// Shared with Scatter in support/tensor_scatter.hpp.
#include "ops/support/tensor_scatter.hpp"

namespace konnx::ops {

void register_scatter_elements(OpRegistry& registry) {
    registry.add({.name = "ScatterElements",
                  .since_version = 11,
                  .infer = infer_scatter_elements,
                  .make_kernel = make_scatter_elements});
}

}  // namespace konnx::ops
