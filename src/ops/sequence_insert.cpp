// SPDX-License-Identifier: MIT
// SequenceInsert (ONNX opset 11): a new sequence with `tensor` inserted at `position` (int32/int64 scalar in
// [-n, n], negative counting from the end; absent = append). The tensor must have the sequence's element type.
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() >= 2 && ctx.num_inputs() <= 3 && ctx.has_input(1), "expects 2 or 3 inputs");
    const auto& items = sequence_input(ctx, 0);
    const DType elem = container_elem_type(ctx.require_value(0));
    ctx.check(dtype_is_known(ctx.input_dtype(1)), "the inserted value must be a tensor");
    ctx.check(elem == DType::kUndefined || elem == ctx.input_dtype(1), "cannot insert a ",
              dtype_name(ctx.input_dtype(1)), " tensor into a sequence of ", dtype_name(elem));
    if (ctx.has_input(2))
        sequence_position(ctx.require_value(2), static_cast<int64_t>(items.size()), true);  // reports bad positions
    ctx.set_output(0, kSequenceType, {});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        std::vector<Tensor> items = sequence_items(r.in(0));
        const auto count = static_cast<int64_t>(items.size());
        const int64_t at = r.has_in(2) ? sequence_position(r.in(2), count, true) : count;
        items.insert(items.begin() + at, r.in(1));
        r.out(0) = make_sequence(r.in(1).dtype(), std::move(items));
    });
}

}  // namespace

void register_sequence_insert(OpRegistry& registry) {
    registry.add({.name = "SequenceInsert", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
