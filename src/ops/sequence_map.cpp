// SPDX-License-Identifier: MIT
// SequenceMap (ONNX opset 17): runs `body` once per item of input_sequence. Body input k is, at iteration i,
// item i of input k when input k is a sequence (all sequences must have the same length), or input k itself when
// it is a tensor. Output j is the sequence of body output j over the iterations.
#include "ops/support/control_flow.hpp"
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const graph::Graph& body = required_graph(ctx, "body");
    ctx.check(ctx.num_inputs() >= 1, "expects at least one input");
    check_sequence_input(ctx, 0);
    ctx.check(body.inputs.size() == ctx.num_inputs(), "body must take ", ctx.num_inputs(), " inputs, got ",
              body.inputs.size());
    ctx.check(body.outputs.size() == ctx.num_outputs(), "body must return ", ctx.num_outputs(), " outputs, got ",
              body.outputs.size());
    for (std::size_t i = 0; i < ctx.num_inputs(); ++i)
        ctx.check(ctx.has_input(i), "input ", i, " is missing");
    for (std::size_t j = 0; j < ctx.num_outputs(); ++j)
        ctx.set_output(j, kSequenceType, {});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const graph::Graph* body = &required_graph(init, "body");
    return make_kernel([body](const KernelRun& r) {
        if (!r.subgraphs) fail(ErrorCode::kInternal, "SequenceMap needs a subgraph runner");
        const std::size_t count = sequence_items(r.in(0)).size();
        for (std::size_t k = 1; k < r.num_inputs(); ++k)
            if (r.in(k).dtype() == kSequenceType && sequence_items(r.in(k)).size() != count)
                fail(ErrorCode::kInvalidArgument, "input ", k, " has ", sequence_items(r.in(k)).size(),
                     " items, but input_sequence has ", count);
        std::vector<std::vector<Tensor>> results(r.num_outputs());
        std::vector<Tensor> args(r.num_inputs());
        for (std::size_t i = 0; i < count; ++i) {
            for (std::size_t k = 0; k < r.num_inputs(); ++k)
                args[k] = r.in(k).dtype() == kSequenceType ? sequence_items(r.in(k))[i] : r.in(k);
            std::vector<Tensor> out = r.subgraphs->run(*body, args);
            if (out.size() != results.size())
                fail(ErrorCode::kInvalidModel, "the body returned ", out.size(), " outputs, expected ", results.size());
            for (std::size_t j = 0; j < out.size(); ++j)
                results[j].push_back(std::move(out[j]));
        }
        for (std::size_t j = 0; j < results.size(); ++j) {
            const DType declared = body->outputs[j].dtype;
            if (r.has_out(j))
                r.out(j) = make_sequence(results[j].empty() && dtype_is_known(declared) ? declared : DType::kUndefined,
                                         std::move(results[j]));
        }
    });
}

}  // namespace

void register_sequence_map(OpRegistry& registry) {
    registry.add({.name = "SequenceMap", .since_version = 17, .infer = infer, .make_kernel = make, .foldable = false});
}

}  // namespace konnx::ops
