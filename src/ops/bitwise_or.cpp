// SPDX-License-Identifier: MIT
// BitwiseOr (ONNX opset 18): numpy-broadcast bitwise or (a | b) of two integer tensors of one type.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_binary_kernel<IntTypes>(init, [](auto a, auto b) { return static_cast<decltype(a)>(a | b); });
}

}  // namespace

void register_bitwise_or(OpRegistry& registry) {
    registry.add({.name = "BitwiseOr", .since_version = 18, .infer = infer_binary_same<IntTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
