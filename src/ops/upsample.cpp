// SPDX-License-Identifier: MIT
// Upsample (ONNX opsets 7, 9; deprecated in 10): nearest or (bi)linear resize with asymmetric
// coordinates; scales are an attribute in opset 7 and input 1 from 9. Output size floor(in * scale);
// nearest takes floor(x / scale). Shares Resize's kernel (support/tensor_resize.hpp).
#include "ops/support/tensor_resize.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) { infer_resize_like(ctx, true); }
std::unique_ptr<Kernel> make(const KernelInit& init) { return make_resize_like(init, true); }

}  // namespace

void register_upsample(OpRegistry& registry) {
    registry.add({.name = "Upsample", .since_version = 7, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
