// SPDX-License-Identifier: MIT
// SequenceLength (ONNX opset 11): the number of items of a sequence, as an int64 scalar.
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1, "expects 1 input");
    check_sequence_input(ctx, 0);
    ctx.set_output(0, DType::kInt64, {});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel(
        [](const KernelRun& r) { r.out(0).data<int64_t>()[0] = static_cast<int64_t>(sequence_items(r.in(0)).size()); });
}

}  // namespace

void register_sequence_length(OpRegistry& registry) {
    registry.add({.name = "SequenceLength", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
