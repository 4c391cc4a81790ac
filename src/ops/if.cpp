// SPDX-License-Identifier: MIT
// If (ONNX opsets 1, 11, 13, 16): runs then_branch or else_branch (no inputs; they see enclosing scopes) and
// returns its outputs. Output shapes are only known after the branch ran: see ops/support/control_flow.hpp.
// Sequence- and optional-typed branch outputs (opsets 13, 16) are not supported.
#include "ops/support/control_flow.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const graph::Graph& then_branch = required_graph(ctx, "then_branch");
    const graph::Graph& else_branch = required_graph(ctx, "else_branch");
    ctx.check(then_branch.outputs.size() == ctx.num_outputs() && else_branch.outputs.size() == ctx.num_outputs(),
              "then_branch and else_branch must have ", ctx.num_outputs(), " outputs, got ", then_branch.outputs.size(),
              " and ", else_branch.outputs.size());
    for (std::size_t i = 0; i < ctx.num_outputs(); ++i) {
        DType dtype = then_branch.outputs[i].dtype;
        if (!dtype_is_known(dtype)) dtype = else_branch.outputs[i].dtype;
        declare_control_flow_output(ctx, i, dtype);
    }
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const graph::Graph* then_branch = &required_graph(init, "then_branch");
    const graph::Graph* else_branch = &required_graph(init, "else_branch");
    return make_kernel([then_branch, else_branch](const KernelRun& r) {
        if (!r.subgraphs) fail(ErrorCode::kInternal, "If needs a subgraph runner");
        const bool cond = condition_value(r.in(0), "cond");
        std::vector<Tensor> results = r.subgraphs->run(cond ? *then_branch : *else_branch, {});
        if (results.size() != r.num_outputs())
            fail(ErrorCode::kInvalidModel, "the branch returned ", results.size(), " outputs, expected ",
                 r.num_outputs());
        for (std::size_t i = 0; i < results.size(); ++i)
            if (r.has_out(i)) r.out(i) = results[i].clone();  // never alias initializers or outer values
    });
}

}  // namespace

void register_if(OpRegistry& registry) {
    registry.add(
        {.name = "If", .since_version = 1, .infer = infer, .make_kernel = make, .foldable = false, .strings = true});
}

}  // namespace konnx::ops
