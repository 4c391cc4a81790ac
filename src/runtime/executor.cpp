// SPDX-License-Identifier: MIT
// The dynamic executor: infer, allocate and run node by node with real values.
#include <algorithm>
#include <chrono>
#include <string_view>
#include <unordered_map>

#include "core/shape.hpp"
#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"
#include "runtime/plan.hpp"

namespace konnx::runtime {
namespace {

// String tensors keep their elements outside the tensor's bytes (nbytes() is 0), so an op that copies bytes would
// silently return empty strings: only ops that declare they handle strings (OpDef::strings) may see them.
void check_string_support(const ops::OpDef& op, const graph::Node& node, const std::vector<ops::ValueFacts>& inputs,
                          const std::vector<ops::ValueFacts>& outputs) {
    const auto is_string = [](const ops::ValueFacts& f) { return f.dtype == DType::kString; };
    if (!op.strings && (std::any_of(inputs.begin(), inputs.end(), is_string) ||
                        std::any_of(outputs.begin(), outputs.end(), is_string)))
        fail(ErrorCode::kUnsupported, node.describe(), ": string tensors are not supported by ", node.op_type);
}

}  // namespace

Tensor make_output(DType dtype, const Shape& shape) {
    // Sequences, optionals and maps start as empty placeholders that the kernel replaces; string tensors as empty
    // strings that it fills.
    if (dtype == kSequenceType) return make_sequence(DType::kUndefined, {});
    if (dtype == kOptionalType) return make_optional(DType::kUndefined);
    if (dtype == kMapType) return make_map(Tensor::empty(DType::kInt64, {0}), Tensor::empty(DType::kFloat32, {0}));
    if (dtype == DType::kString)
        return make_string_tensor(shape, std::vector<std::string>(static_cast<std::size_t>(checked_numel(shape))));
    return Tensor::empty(dtype, shape);
}

DynamicExecutor::DynamicExecutor(const graph::Model& model, const DynamicExecutor* parent,
                                 const std::unordered_map<std::string, Tensor>* outer_values,
                                 int64_t memory_budget_bytes)
    : model_(model),
      outer_values_(outer_values),
      memory_budget_bytes_(parent ? parent->memory_budget_bytes_ : memory_budget_bytes) {}

std::vector<Tensor> DynamicExecutor::run(const graph::Graph& body, const std::vector<Tensor>& inputs) const {
    return run_graph(body, inputs);
}

std::vector<Tensor> DynamicExecutor::run_graph(const graph::Graph& g, const std::vector<Tensor>& inputs,
                                               std::vector<double>* step_micros) const {
    const auto& registry = ops::OpRegistry::global();
    std::unordered_map<std::string, Tensor> scope;
    if (outer_values_) scope = *outer_values_;
    for (const auto& [name, t] : g.initializers)
        scope[name] = t;
    // Subgraph bodies bind all their declared inputs; the main graph only those not initialized.
    std::vector<const graph::ValueInfo*> runtime_inputs;
    if (outer_values_) {
        for (const auto& in : g.inputs)
            runtime_inputs.push_back(&in);
    } else {
        runtime_inputs = g.runtime_inputs();
    }
    if (inputs.size() > runtime_inputs.size())
        fail(ErrorCode::kInvalidModel, "graph '", g.name, "' takes ", runtime_inputs.size(), " inputs, got ",
             inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i)
        scope[runtime_inputs[i]->name] = inputs[i];

    if (step_micros) step_micros->clear();
    static const Tensor none;
    std::vector<ops::ValueFacts> in_facts, out_facts;
    std::vector<Tensor> out_values;
    // Everything this run produces stays in `scope` until it ends, so the sum is the memory it holds.
    const auto budget = static_cast<std::size_t>(std::max<int64_t>(memory_budget_bytes_, 0));
    std::size_t produced = 0;
    auto reserve = [&](std::size_t& held, std::size_t bytes, const char* what) {
        if (bytes > budget || held > budget - bytes)
            fail(ErrorCode::kLimitExceeded, what, " would take this run past its memory budget of ", budget >> 20,
                 " MiB (SessionOptions::memory_budget_bytes)");
        held += bytes;
    };
    for (const auto& node : g.nodes) {
        const auto t0 = std::chrono::steady_clock::now();
        const int64_t opset = node_opset(model_, node);
        const ops::OpDef* op = registry.find(node.domain, node.op_type, opset);
        if (!op) fail(ErrorCode::kUnsupported, node.describe(), ": not implemented for opset ", opset);
        std::vector<const Tensor*> in_ptrs;
        in_facts.assign(node.inputs.size(), {});
        for (std::size_t i = 0; i < node.inputs.size(); ++i) {
            if (node.inputs[i].empty()) {
                in_ptrs.push_back(&none);
                continue;
            }
            auto it = scope.find(node.inputs[i]);
            if (it == scope.end())
                fail(ErrorCode::kInvalidModel, node.describe(), ": input '", node.inputs[i], "' has no value");
            in_ptrs.push_back(&it->second);
            in_facts[i] = {it->second.dtype(), it->second.shape(), &it->second};
        }
        out_facts.assign(node.outputs.size(), {});
        out_values.assign(node.outputs.size(), {});
        try {
            ops::InferContext ictx(node, opset, in_facts, out_facts, out_values);
            op->infer(ictx);
            check_string_support(*op, node, in_facts, out_facts);
            bool all_known = true;
            for (std::size_t i = 0; i < node.outputs.size(); ++i)
                if (!node.outputs[i].empty() && !out_values[i].defined()) all_known = false;
            if (!all_known) {
                ops::KernelInit kinit(node, opset, in_facts, out_facts, false);
                auto kernel = op->make_kernel(kinit);
                std::vector<Tensor*> out_ptrs;
                for (std::size_t i = 0; i < node.outputs.size(); ++i)
                    if (!node.outputs[i].empty())
                        reserve(produced, checked_nbytes(checked_numel(out_facts[i].shape), out_facts[i].dtype),
                                "its outputs");
                std::size_t with_scratch = produced;  // scratch is freed when the node ends
                reserve(with_scratch, kernel->scratch_bytes(), "its scratch memory");
                for (std::size_t i = 0; i < node.outputs.size(); ++i) {
                    const DType dtype = out_facts[i].dtype;
                    out_values[i] = node.outputs[i].empty() ? Tensor() : make_output(dtype, out_facts[i].shape);
                    out_ptrs.push_back(&out_values[i]);
                }
                std::vector<std::byte> scratch(kernel->scratch_bytes() + 64);
                auto* aligned =
                    reinterpret_cast<std::byte*>((reinterpret_cast<std::uintptr_t>(scratch.data()) + 63) / 64 * 64);
                DynamicExecutor child(model_, this, &scope);
                kernel->run({in_ptrs, out_ptrs, {aligned, kernel->scratch_bytes()}, &child});
            }
        } catch (const ops::NeedsValue&) {
            fail(ErrorCode::kInternal, node.describe(), ": shape still unknown with all input values present");
        } catch (const Error& e) {
            const std::string what = e.what();
            if (what.find(node.describe()) != std::string::npos) throw;
            throw Error(e.code(), cat(node.describe(), ": ", what));
        }
        for (std::size_t i = 0; i < node.outputs.size(); ++i)
            if (!node.outputs[i].empty()) scope[node.outputs[i]] = std::move(out_values[i]);
        if (step_micros)
            step_micros->push_back(
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::vector<Tensor> outputs;
    for (const auto& out : g.outputs) {
        auto it = scope.find(out.name);
        if (it == scope.end()) fail(ErrorCode::kInvalidModel, "graph output '", out.name, "' was not computed");
        outputs.push_back(it->second);
    }
    return outputs;
}

}  // namespace konnx::runtime
