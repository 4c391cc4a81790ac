// SPDX-License-Identifier: MIT
// OptionalHasElement (ONNX opsets 15, 18): a bool scalar, true when the optional input holds a value. Opset 18
// also takes a tensor or a sequence (true) or no input at all (false); konnx accepts those at opset 15 too, since a
// value bound where an optional is declared (a Loop body's carried optional after the first iteration, as in
// ONNX's test_loop16_seq_none) is a present optional.
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() <= 1, "expects at most 1 input");
    if (ctx.opset() < 18) ctx.check(ctx.has_input(0), "the input is required before opset 18");
    ctx.set_output(0, DType::kBool, {});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        bool has = false;
        if (r.has_in(0)) has = r.in(0).dtype() != kOptionalType || optional_value(r.in(0)) != nullptr;
        r.out(0).data<bool>()[0] = has;
    });
}

}  // namespace

void register_optional_has_element(OpRegistry& registry) {
    registry.add({.name = "OptionalHasElement", .since_version = 15, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
