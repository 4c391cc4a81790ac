// SPDX-License-Identifier: MIT
// Identity (ONNX opsets 1, 13, 14, 16): y = x, for tensors (strings too), sequences (opset 14) and optionals
// (opset 16).
#include <cstring>

#include "konnx/sequence.hpp"
#include "ops/support/elementwise.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        if (is_container(r.in(0).dtype()) || r.in(0).dtype() == DType::kString) {
            r.out(0) = r.in(0);  // immutable values: sharing is a copy (and strings are not in the bytes)
            return;
        }
        if (r.in(0).nbytes()) std::memcpy(r.out(0).raw(), r.in(0).raw(), r.in(0).nbytes());
    });
}

}  // namespace

void register_identity(OpRegistry& registry) {
    registry.add({.name = "Identity",
                  .since_version = 1,
                  .infer = infer_same_as_input,
                  .make_kernel = make,
                  .cost = streaming_cost,
                  .strings = true});
}

}  // namespace konnx::ops
