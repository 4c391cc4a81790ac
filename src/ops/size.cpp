// SPDX-License-Identifier: MIT
// Size (ONNX opsets 1, 13): the input's element count as an int64 scalar, known at plan time.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) { ctx.set_output_value(0, Tensor::scalar<int64_t>(checked_numel(ctx.input_shape(0)))); }

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { *r.out(0).data<int64_t>() = r.in(0).numel(); });
}

}  // namespace

void register_size(OpRegistry& registry) {
    registry.add({.name = "Size", .since_version = 1, .infer = infer, .make_kernel = make, .strings = true});
}

}  // namespace konnx::ops
