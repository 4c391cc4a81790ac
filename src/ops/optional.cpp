// SPDX-License-Identifier: MIT
// Optional (ONNX opset 15): an optional holding its input (a tensor or a sequence), or an empty optional when the
// input is absent (the `type` attribute then names the element type; konnx does not read it).
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() <= 1, "expects at most 1 input");
    if (ctx.has_input(0))
        ctx.check(ctx.input_dtype(0) != kOptionalType, "the input must be a tensor or a sequence");
    else
        ctx.check(ctx.has_attr("type"), "attribute 'type' is required when the input is absent");
    ctx.set_output(0, kOptionalType, {});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        r.out(0) = r.has_in(0) ? make_optional(r.in(0).dtype(), r.in(0)) : make_optional(DType::kUndefined);
    });
}

}  // namespace

void register_optional(OpRegistry& registry) {
    registry.add({.name = "Optional", .since_version = 15, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
