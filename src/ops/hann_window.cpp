// SPDX-License-Identifier: MIT
// HannWindow (ONNX opset 17): a 1-D window of `size` points, w[n] = 0.5 - 0.5 cos(2 pi n / N),
// N = size when periodic (the default) and size - 1 when periodic = 0; output type from output_datatype (float).
#include "ops/support/spectral.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) { return make_cosine_window(init, {0.5, 0.5, 0.0}); }

}  // namespace

void register_hann_window(OpRegistry& registry) {
    registry.add({.name = "HannWindow", .since_version = 17, .infer = infer_cosine_window, .make_kernel = make});
}

}  // namespace konnx::ops
