// SPDX-License-Identifier: MIT
// BitwiseNot (ONNX opset 18): bitwise complement (~x) of an integer tensor.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel(
        [](const KernelRun& r) { run_unary(IntTypes{}, r, [](auto x) { return static_cast<decltype(x)>(~x); }); });
}

}  // namespace

void register_bitwise_not(OpRegistry& registry) {
    registry.add({.name = "BitwiseNot", .since_version = 18, .infer = infer_unary<IntTypes>, .make_kernel = make});
}

}  // namespace konnx::ops
