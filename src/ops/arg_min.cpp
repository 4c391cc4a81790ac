// SPDX-License-Identifier: MIT
// ArgMin (ONNX opsets 1, 11, 12, 13): see support/tensor_arg_reduce.hpp.
#include "ops/support/tensor_arg_reduce.hpp"

namespace konnx::ops {

void register_arg_min(OpRegistry& registry) {
    registry.add({.name = "ArgMin",
                  .since_version = 1,
                  .infer = infer_arg_reduce,
                  .make_kernel = make_arg_reduce<false>,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
