// SPDX-License-Identifier: MIT
// Identity (ONNX opsets 1, 13, 14, 16): y = x. (Sequence and optional inputs are not supported.)
#include <cstring>

#include "ops/support/elementwise.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        if (r.in(0).nbytes()) std::memcpy(r.out(0).raw(), r.in(0).raw(), r.in(0).nbytes());
    });
}

}  // namespace

void register_identity(OpRegistry& registry) {
    registry.add({.name = "Identity", .since_version = 1, .infer = infer_same_as_input, .make_kernel = make});
}

}  // namespace konnx::ops
