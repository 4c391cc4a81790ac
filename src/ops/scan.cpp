// SPDX-License-Identifier: MIT
// Scan (ONNX opsets 8, 9, 11, 16). Inputs: N initial states then M scan inputs; the body takes
// (states..., one slice of each scan input) and returns (new states..., K scan output slices).
//   opset 9+: scan inputs are sliced along scan_input_axes (default 0), in scan_input_directions order
//             (1 = reverse); scan outputs are stacked along scan_output_axes (default 0), reversed where
//             scan_output_directions is 1.
//   opset 8:  a leading optional sequence_lens input, every input has a batch axis 0, scan inputs are
//             [batch, seq, ...] with per-input `directions`; each batch row runs its own scan over its
//             sequence length and scan outputs are zero-padded to the full length.
// Output shapes are only known after running: see ops/support/control_flow.hpp.
#include <cstring>

#include "core/dispatch.hpp"
#include "ops/support/control_flow.hpp"

namespace konnx::ops {
namespace {

struct ScanSpec {
    bool batched = false;  // opset 8
    std::size_t first_state = 0, states = 0, scans = 0, outputs = 0;
    std::vector<int64_t> in_axes, in_dirs, out_axes, out_dirs;
};

ScanSpec spec_of(const NodeContext& ctx) {
    const graph::Graph& body = required_graph(ctx, "body");
    ScanSpec s;
    s.batched = ctx.opset() < 9;
    s.first_state = s.batched ? 1 : 0;
    const int64_t m = ctx.attr_int("num_scan_inputs");
    ctx.check(m >= 1 && static_cast<std::size_t>(m) + s.first_state <= ctx.num_inputs(), "num_scan_inputs ", m,
              " does not fit ", ctx.num_inputs(), " inputs");
    s.scans = static_cast<std::size_t>(m);
    s.states = ctx.num_inputs() - s.first_state - s.scans;
    ctx.check(body.inputs.size() == s.states + s.scans, "body must take ", s.states + s.scans, " inputs, got ",
              body.inputs.size());
    ctx.check(body.outputs.size() == ctx.node().outputs.size() && ctx.node().outputs.size() >= s.states,
              "body must return ", ctx.node().outputs.size(), " outputs, got ", body.outputs.size());
    s.outputs = ctx.node().outputs.size() - s.states;
    auto list = [&](const char* name, std::size_t n) {
        auto v = ctx.attr_ints(name, std::vector<int64_t>(n, 0));
        ctx.check(v.size() == n, "attribute ", name, " must have ", n, " entries, got ", v.size());
        return v;
    };
    if (s.batched) {
        s.in_dirs = list("directions", s.scans);
        s.in_axes.assign(s.scans, 0);
        s.out_axes.assign(s.outputs, 0);
        s.out_dirs.assign(s.outputs, 0);
    } else {
        s.in_axes = list("scan_input_axes", s.scans);
        s.in_dirs = list("scan_input_directions", s.scans);
        s.out_axes = list("scan_output_axes", s.outputs);
        s.out_dirs = list("scan_output_directions", s.outputs);
    }
    for (std::size_t i = 0; i < s.scans; ++i) {
        const std::size_t in = s.first_state + s.states + i;
        const int64_t rank = ctx.input_rank(in) - (s.batched ? 1 : 0);
        ctx.check(rank >= 1, "scan input ", i, " has no axis to scan");
        s.in_axes[i] = normalize_axis(s.in_axes[i], rank);
    }
    return s;
}

void infer(InferContext& ctx) {
    const ScanSpec s = spec_of(ctx);
    const graph::Graph& body = required_graph(ctx, "body");
    for (std::size_t i = 0; i < s.states; ++i)
        declare_control_flow_output(ctx, i, ctx.input_dtype(s.first_state + i));
    for (std::size_t k = s.states; k < ctx.node().outputs.size(); ++k)
        declare_control_flow_output(ctx, k, body.outputs[k].dtype);
}

// One scan over `len` steps of unbatched inputs; returns the final states then the stacked scan outputs.
std::vector<Tensor> scan_once(const SubgraphRunner& runner, const graph::Graph& body, const ScanSpec& s,
                              std::vector<Tensor> states, const std::vector<Tensor>& inputs, int64_t len) {
    std::vector<std::vector<Tensor>> slices(s.outputs);
    std::vector<Tensor> args(s.states + s.scans);
    for (int64_t t = 0; t < len; ++t) {
        for (std::size_t i = 0; i < s.states; ++i)
            args[i] = states[i];
        for (std::size_t i = 0; i < s.scans; ++i)
            args[s.states + i] = take_along(inputs[i], s.in_axes[i], s.in_dirs[i] ? len - 1 - t : t);
        std::vector<Tensor> out = runner.run(body, args);
        if (out.size() != s.states + s.outputs)
            fail(ErrorCode::kInvalidModel, "the body returned ", out.size(), " outputs, expected ",
                 s.states + s.outputs);
        for (std::size_t i = 0; i < s.states; ++i)
            states[i] = std::move(out[i]);
        for (std::size_t k = 0; k < s.outputs; ++k)
            slices[k].push_back(std::move(out[s.states + k]));
    }
    std::vector<Tensor> results = std::move(states);
    for (std::size_t k = 0; k < s.outputs; ++k) {
        const int64_t rank = slices[k].empty() ? 0 : static_cast<int64_t>(slices[k][0].rank());
        const int64_t axis = normalize_axis(s.out_axes[k], rank + 1);
        results.push_back(stack_along(slices[k], axis, s.out_dirs[k] != 0, {}, DType::kFloat32));
    }
    return results;
}

int64_t scan_length(const ScanSpec& s, const std::vector<Tensor>& inputs) {
    int64_t len = -1;
    for (std::size_t i = 0; i < s.scans; ++i) {
        const int64_t n = inputs[i].dim(static_cast<std::size_t>(s.in_axes[i]));
        if (len >= 0 && n != len)
            fail(ErrorCode::kInvalidArgument, "scan inputs have different lengths: ", len, " and ", n);
        len = n;
    }
    return len;
}

void run_batched(const KernelRun& r, const graph::Graph& body, const ScanSpec& s) {
    const int64_t batch = r.in(1).rank() ? r.in(1).dim(0) : 0;
    std::vector<std::vector<Tensor>> per_batch;
    for (int64_t b = 0; b < batch; ++b) {
        std::vector<Tensor> states, inputs;
        for (std::size_t i = 0; i < s.states + s.scans; ++i) {
            const Tensor& t = r.in(1 + i);
            if (t.rank() == 0 || t.dim(0) != batch)
                fail(ErrorCode::kInvalidArgument, "input ", 1 + i, " must have batch size ", batch);
            (i < s.states ? states : inputs).push_back(take_along(t, 0, b));
        }
        const int64_t full = scan_length(s, inputs);
        int64_t len = full;
        if (r.has_in(0)) {
            const Tensor& lens = r.in(0);
            if (lens.numel() != batch) fail(ErrorCode::kInvalidArgument, "sequence_lens must have ", batch, " values");
            dispatch<int32_t, int64_t>(lens.dtype(), [&]<class T>() { len = static_cast<int64_t>(lens.data<T>()[b]); });
            if (len < 0 || len > full)
                fail(ErrorCode::kInvalidArgument, "sequence_lens[", b, "] = ", len, " is outside [0, ", full, "]");
            // Only the first len steps take part (directions reverse within them).
            for (std::size_t i = 0; i < s.scans; ++i) {
                std::vector<Tensor> steps;
                for (int64_t t = 0; t < len; ++t)
                    steps.push_back(take_along(inputs[i], 0, t));
                Shape elem = inputs[i].shape();
                elem.erase(elem.begin());
                inputs[i] = stack_along(steps, 0, false, elem, inputs[i].dtype());
            }
        }
        auto results = scan_once(*r.subgraphs, body, s, std::move(states), inputs, len);
        for (std::size_t k = 0; k < s.outputs; ++k) {  // zero-pad to the full length
            Tensor& y = results[s.states + k];
            if (y.rank() == 0 || y.dim(0) == full) continue;
            Shape shape = y.shape();
            shape[0] = full;
            Tensor padded = Tensor::zeros(y.dtype(), shape);
            if (y.nbytes()) std::memcpy(padded.raw(), y.raw(), y.nbytes());
            y = padded;
        }
        per_batch.push_back(std::move(results));
    }
    for (std::size_t o = 0; o < s.states + s.outputs; ++o) {
        if (!r.has_out(o)) continue;
        std::vector<Tensor> rows;
        for (auto& results : per_batch)
            rows.push_back(results[o]);
        r.out(o) = stack_along(rows, 0, false, {}, r.out(o).dtype());
    }
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const graph::Graph* body = &required_graph(init, "body");
    return make_kernel([body, s = spec_of(init)](const KernelRun& r) {
        if (!r.subgraphs) fail(ErrorCode::kInternal, "Scan needs a subgraph runner");
        if (s.batched) return run_batched(r, *body, s);
        std::vector<Tensor> states, inputs;
        for (std::size_t i = 0; i < s.states; ++i)
            states.push_back(r.in(i));
        for (std::size_t i = 0; i < s.scans; ++i)
            inputs.push_back(r.in(s.states + i));
        auto results = scan_once(*r.subgraphs, *body, s, std::move(states), inputs, scan_length(s, inputs));
        for (std::size_t o = 0; o < results.size(); ++o)
            if (r.has_out(o)) r.out(o) = o < s.states ? results[o].clone() : results[o];
    });
}

}  // namespace

void register_scan(OpRegistry& registry) {
    registry.add({.name = "Scan", .since_version = 8, .infer = infer, .make_kernel = make, .foldable = false});
}

}  // namespace konnx::ops
