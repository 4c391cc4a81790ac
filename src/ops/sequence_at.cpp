// SPDX-License-Identifier: MIT
// SequenceAt (ONNX opset 11): the item at `position` (int32/int64 scalar in [-n, n - 1], negative counting from
// the end).
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 2 && ctx.has_input(1), "expects 2 inputs");
    const auto& items = sequence_input(ctx, 0);
    const Tensor& item = items[static_cast<std::size_t>(
        sequence_position(ctx.require_value(1), static_cast<int64_t>(items.size()), false))];
    ctx.set_output(0, item.dtype(), item.shape());
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        const auto& items = sequence_items(r.in(0));
        r.out(0) =
            items[static_cast<std::size_t>(sequence_position(r.in(1), static_cast<int64_t>(items.size()), false))];
    });
}

}  // namespace

void register_sequence_at(OpRegistry& registry) {
    registry.add({.name = "SequenceAt", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
