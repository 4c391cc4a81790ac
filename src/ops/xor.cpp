// SPDX-License-Identifier: MIT
// Xor (ONNX opsets 1, 7): numpy-broadcast logical xor of bool tensors (opset 1: legacy `broadcast`/`axis`).
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_binary_kernel<TypeList<bool>>(init, [](auto a, auto b) { return a != b; });
}

}  // namespace

void register_xor(OpRegistry& registry) {
    registry.add({.name = "Xor",
                  .since_version = 1,
                  .infer = infer_binary_same<TypeList<bool>>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
