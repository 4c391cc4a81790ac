// SPDX-License-Identifier: MIT
// Not (ONNX opset 1): logical negation of a bool tensor.
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { map_unary<bool, bool>(r.in(0), r.out(0), [](bool x) { return !x; }); });
}

}  // namespace

void register_not(OpRegistry& registry) {
    registry.add({.name = "Not",
                  .since_version = 1,
                  .infer = infer_unary<TypeList<bool>>,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
