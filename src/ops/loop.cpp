// SPDX-License-Identifier: MIT
// Loop (ONNX opsets 1, 11, 13, 16). Inputs: M (optional max trip count), cond (optional), v_initial...
// The body takes (iteration_num, cond, v...) and returns (cond, v..., scan_outputs...):
//   for (i = 0; i < M && cond; ++i) { cond, v, s_i = body(i, cond, v) }
// Outputs: the final v..., then each scan output's per-iteration values stacked along a new axis 0
// (shape [0] when no iteration ran). Output shapes are only known after running: see
// ops/support/control_flow.hpp. Sequence/optional-typed loop-carried values (opsets 13, 16) are unsupported.
#include <limits>

#include "ops/support/control_flow.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const graph::Graph& body = required_graph(ctx, "body");
    const std::size_t carried = ctx.num_inputs() < 2 ? 0 : ctx.num_inputs() - 2;
    ctx.check(ctx.num_inputs() >= 2, "Loop needs inputs M and cond (either may be empty)");
    ctx.check(body.inputs.size() == carried + 2, "body must take ", carried + 2, " inputs, got ", body.inputs.size());
    ctx.check(body.outputs.size() >= carried + 1 && ctx.num_outputs() == body.outputs.size() - 1, "body must return ",
              "cond, ", carried, " loop-carried values and one value per scan output");
    for (std::size_t i = 0; i < carried; ++i) {
        ctx.check(ctx.has_input(i + 2), "loop-carried input ", i, " is missing");
        declare_control_flow_output(ctx, i, ctx.input_dtype(i + 2));
    }
    for (std::size_t k = carried; k < ctx.num_outputs(); ++k)
        declare_control_flow_output(ctx, k, body.outputs[k + 1].dtype);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const graph::Graph* body = &required_graph(init, "body");
    return make_kernel([body](const KernelRun& r) {
        if (!r.subgraphs) fail(ErrorCode::kInternal, "Loop needs a subgraph runner");
        int64_t max_trips = std::numeric_limits<int64_t>::max();
        if (r.has_in(0)) {
            const Tensor& m = r.in(0);
            if (m.numel() != 1 || m.dtype() != DType::kInt64)
                fail(ErrorCode::kInvalidArgument, "M must be an int64 scalar");
            max_trips = m.data<int64_t>()[0];
        }
        bool cond = r.has_in(1) ? condition_value(r.in(1), "cond") : true;
        const std::size_t carried = r.num_inputs() - 2;
        const std::size_t scans = r.num_outputs() - carried;
        std::vector<Tensor> values(carried + 2);
        for (std::size_t i = 0; i < carried; ++i)
            values[i + 2] = r.in(i + 2);
        std::vector<std::vector<Tensor>> scan_values(scans);
        for (int64_t i = 0; i < max_trips && cond; ++i) {
            values[0] = Tensor::scalar<int64_t>(i);
            values[1] = Tensor::scalar<bool>(cond);
            std::vector<Tensor> out = r.subgraphs->run(*body, values);
            if (out.size() != carried + 1 + scans)
                fail(ErrorCode::kInvalidModel, "the body returned ", out.size(), " outputs, expected ",
                     carried + 1 + scans);
            cond = condition_value(out[0], "the body's cond output");
            for (std::size_t v = 0; v < carried; ++v)
                values[v + 2] = std::move(out[v + 1]);
            for (std::size_t k = 0; k < scans; ++k)
                scan_values[k].push_back(std::move(out[carried + 1 + k]));
        }
        for (std::size_t v = 0; v < carried; ++v)
            if (r.has_out(v)) r.out(v) = values[v + 2].clone();
        for (std::size_t k = 0; k < scans; ++k)
            if (r.has_out(carried + k))
                r.out(carried + k) = stack_along(scan_values[k], 0, false, {}, r.out(carried + k).dtype());
    });
}

}  // namespace

void register_loop(OpRegistry& registry) {
    registry.add({.name = "Loop", .since_version = 1, .infer = infer, .make_kernel = make, .foldable = false});
}

}  // namespace konnx::ops
