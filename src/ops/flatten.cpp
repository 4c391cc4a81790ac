// SPDX-License-Identifier: MIT
// Flatten (ONNX opsets 1, 9, 11, 13): to 2-D [prod(dims[:axis]), prod(dims[axis:])]; axis in
// [-rank, rank] (negative from opset 11), default 1. The kernel is a memcpy.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    const auto rank = static_cast<int64_t>(in.size());
    int64_t axis = ctx.attr_int("axis", 1);
    ctx.check(axis >= -rank && axis <= rank, "axis ", axis, " is out of range for rank ", rank);
    if (axis < 0) axis += rank;
    const auto a = static_cast<std::size_t>(axis);
    ctx.set_output(0, ctx.input_dtype(0), {product(in, 0, a), product(in, a, in.size())});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { copy_bytes(r.in(0), r.out(0)); });
}

}  // namespace

void register_flatten(OpRegistry& registry) {
    registry.add({.name = "Flatten", .since_version = 1, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
