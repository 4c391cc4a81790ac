// SPDX-License-Identifier: MIT
// SequenceEmpty (ONNX opset 11): an empty sequence of element type `dtype` (default float32).
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

DType elem_type(const NodeContext& ctx) {
    const auto dtype = static_cast<DType>(ctx.attr_int("dtype", static_cast<int64_t>(DType::kFloat32)));
    if (!dtype_is_known(dtype)) ctx.unsupported("sequences of ", dtype_name(dtype), " are not supported");
    return dtype;
}

void infer(InferContext& ctx) {
    elem_type(ctx);
    ctx.set_output(0, kSequenceType, {});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([dtype = elem_type(init)](const KernelRun& r) { r.out(0) = make_sequence(dtype, {}); });
}

}  // namespace

void register_sequence_empty(OpRegistry& registry) {
    registry.add({.name = "SequenceEmpty", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
