// SPDX-License-Identifier: MIT
// Scatter (ONNX opsets 9, 11; deprecated): the same operation as ScatterElements without reductions,
// shared in support/tensor_scatter.hpp.
#include "ops/support/tensor_scatter.hpp"

namespace konnx::ops {

void register_scatter(OpRegistry& registry) {
    registry.add(
        {.name = "Scatter", .since_version = 9, .infer = infer_scatter_elements, .make_kernel = make_scatter_elements});
}

}  // namespace konnx::ops
