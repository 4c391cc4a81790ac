// SPDX-License-Identifier: MIT
// Relu (ONNX opsets 6, 13, 14): y = max(x, 0). Opset 14 adds integer types.
#include "core/dispatch.hpp"
#include "ops/support/elementwise.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        dispatch<float, double, int8_t, int16_t, int32_t, int64_t>(r.in(0).dtype(), [&]<class T>() {
            map_unary<T, T>(r.in(0), r.out(0), [](T x) { return x > T(0) ? x : T(0); });
        });
    });
}

}  // namespace

void register_relu(OpRegistry& registry) {
    registry.add({.name = "Relu",
                  .since_version = 6,
                  .infer = infer_same_as_input,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
