// SPDX-License-Identifier: MIT
// SequenceErase (ONNX opset 11): a new sequence without the item at `position` (int32/int64 scalar in
// [-n, n - 1]; absent = the last item).
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() >= 1 && ctx.num_inputs() <= 2, "expects 1 or 2 inputs");
    const auto count = static_cast<int64_t>(sequence_input(ctx, 0).size());
    if (ctx.has_input(1))
        sequence_position(ctx.require_value(1), count, false);
    else
        ctx.check(count > 0, "cannot erase from an empty sequence");
    ctx.set_output(0, kSequenceType, {});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        std::vector<Tensor> items = sequence_items(r.in(0));
        const auto count = static_cast<int64_t>(items.size());
        const int64_t at = sequence_position(r.has_in(1) ? r.in(1) : Tensor::scalar<int64_t>(-1), count, false);
        items.erase(items.begin() + at);
        r.out(0) = make_sequence(container_elem_type(r.in(0)), std::move(items));
    });
}

}  // namespace

void register_sequence_erase(OpRegistry& registry) {
    registry.add({.name = "SequenceErase", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
