// SPDX-License-Identifier: MIT
// SequenceConstruct (ONNX opset 11): a sequence of its inputs (one or more tensors of one element type).
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() >= 1, "expects at least one input");
    for (std::size_t i = 0; i < ctx.num_inputs(); ++i) {
        ctx.check(ctx.has_input(i), "input ", i, " is missing");
        ctx.check(dtype_is_known(ctx.input_dtype(i)), "input ", i, " must be a tensor, got ",
                  dtype_name(ctx.input_dtype(i)));
        ctx.check(ctx.input_dtype(i) == ctx.input_dtype(0), "all inputs must have one element type, got ",
                  dtype_name(ctx.input_dtype(0)), " and ", dtype_name(ctx.input_dtype(i)));
    }
    ctx.set_output(0, kSequenceType, {});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        std::vector<Tensor> items;
        for (std::size_t i = 0; i < r.num_inputs(); ++i)
            items.push_back(r.in(i));  // shares the buffers: values are never written once made
        r.out(0) = make_sequence(r.in(0).dtype(), std::move(items));
    });
}

}  // namespace

void register_sequence_construct(OpRegistry& registry) {
    registry.add({.name = "SequenceConstruct", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
