// SPDX-License-Identifier: MIT
// OptionalGetElement (ONNX opsets 15, 18): the value an optional holds (an error when it is empty). Opset 18 also
// takes a tensor or a sequence, returned as is; konnx accepts those at opset 15 too (see OptionalHasElement).
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

// The value the node returns: the optional's content, or (opset 18) the input itself.
const Tensor& element(const Tensor& input) {
    if (input.dtype() != kOptionalType) return input;
    const Tensor* value = optional_value(input);
    if (!value) fail(ErrorCode::kInvalidArgument, "the optional input is empty");
    return *value;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1 && ctx.has_input(0), "expects 1 input");
    const Tensor& value = element(ctx.require_value(0));
    ctx.set_output(0, value.dtype(), value.shape());
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) { r.out(0) = element(r.in(0)); });
}

}  // namespace

void register_optional_get_element(OpRegistry& registry) {
    registry.add({.name = "OptionalGetElement", .since_version = 15, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
