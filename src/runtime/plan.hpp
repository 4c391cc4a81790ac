// SPDX-License-Identifier: MIT
// An execution plan for one input-shape signature: every shape known, constants folded,
// kernels built, and every intermediate tensor given a fixed offset in one arena.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/ir.hpp"
#include "ops/support/op.hpp"

namespace konnx::runtime {

struct PlanOptions {
    bool optimized_kernels = true;
    int64_t memory_budget_bytes = int64_t{16} << 30;
    /// Return the file-mapped pages of weights that optimized kernels repack to the page cache once
    /// packed (see Plan::build); they stay valid and are read back if touched again.
    bool release_packed_weights = true;
    /// SessionOptions::threads (0 = physical cores): the OpenMP threads kernels are built for, and how
    /// many threads build them.
    int threads = 0;
};

struct FailedStep {
    std::size_t step;
    std::exception_ptr error;
};

/// Runs build(0..count-1) on `threads` threads (the caller and threads-1 helpers, which set their
/// OpenMP thread count to `omp_threads` as SessionOptions::threads does), each taking the next index.
/// Returns the lowest index that threw, with its exception: the error a sequential loop would have
/// stopped at (indices above a failure are skipped). Plan::build uses it for the kernels.
std::optional<FailedStep> build_all(std::size_t count, int threads, int omp_threads,
                                    const std::function<void(std::size_t)>& build);

struct PlanValue {
    enum class Kind { kArena, kConstant, kInput, kOutput, kUnused };
    std::string name;
    Kind kind = Kind::kUnused;
    DType dtype = DType::kUndefined;
    Shape shape;
    std::size_t offset = 0;  // kArena
    std::size_t bytes = 0;
    Tensor constant;  // kConstant
};

struct PlanStep {
    const graph::Node* node = nullptr;
    const ops::OpDef* op = nullptr;  // the node's definition at the model's opset
    std::unique_ptr<ops::Kernel> kernel;
    std::vector<int> inputs;   // value ids, -1 = absent
    std::vector<int> outputs;  // value ids, -1 = absent
    int threads = 1;           // OpenMP threads it runs with (runtime/step_threads.hpp)
};

/// Per-run memory: the arena and tensor views into it. Pooled so concurrent runs never share one
/// and steady-state runs allocate nothing but their outputs.
struct RunState {
    std::unique_ptr<std::byte, void (*)(void*)> arena{nullptr, nullptr};
    std::vector<Tensor> tensors;                          // one per plan value
    std::vector<std::vector<const Tensor*>> step_inputs;  // pointers into `tensors`
    std::vector<std::vector<Tensor*>> step_outputs;
};

class Plan {
public:
    /// Builds a plan; returns nullptr when shapes depend on data (run in dynamic mode instead).
    static std::unique_ptr<Plan> build(const graph::Model& model, const std::vector<Tensor>& inputs,
                                       const PlanOptions& options);

    /// Runs with inputs in Graph::runtime_inputs() order; returns outputs in graph output order.
    std::vector<Tensor> run(const std::vector<Tensor>& inputs, std::vector<double>* step_micros) const;

    const std::vector<PlanStep>& steps() const { return steps_; }
    /// Every value with its inferred dtype and shape (tests compare them with ONNX's shape inference).
    const std::vector<PlanValue>& values() const { return values_; }
    std::size_t arena_bytes() const { return arena_bytes_; }

private:
    std::unique_ptr<RunState> acquire_state() const;
    void release_state(std::unique_ptr<RunState> state) const;

    std::vector<PlanValue> values_;
    std::vector<PlanStep> steps_;
    std::vector<int> input_ids_;
    std::vector<int> output_ids_;
    std::size_t arena_bytes_ = 0;
    std::size_t scratch_offset_ = 0;
    std::size_t scratch_bytes_ = 0;
    const ops::SubgraphRunner* subgraphs_ = nullptr;
    std::unique_ptr<ops::SubgraphRunner> subgraph_runner_;

    mutable std::mutex pool_mutex_;
    mutable std::vector<std::unique_ptr<RunState>> pool_;
};

/// Runs a graph node by node, inferring shapes from actual values: the fallback for graphs whose
/// shapes depend on data, and the engine behind If/Loop/Scan bodies. `outer` holds the values of
/// enclosing scopes.
class DynamicExecutor : public ops::SubgraphRunner {
public:
    /// Subgraph executors (parent != nullptr) share the parent's memory budget.
    DynamicExecutor(const graph::Model& model, const DynamicExecutor* parent,
                    const std::unordered_map<std::string, Tensor>* outer_values,
                    int64_t memory_budget_bytes = int64_t{16} << 30);
    std::vector<Tensor> run_graph(const graph::Graph& graph, const std::vector<Tensor>& inputs,
                                  std::vector<double>* step_micros = nullptr) const;
    std::vector<Tensor> run(const graph::Graph& body, const std::vector<Tensor>& inputs) const override;

private:
    const graph::Model& model_;
    const std::unordered_map<std::string, Tensor>* outer_values_;
    int64_t memory_budget_bytes_;  // each graph run: the bytes of all values it produces, checked before allocating
};

/// A new output value of `dtype` for a kernel to fill: a tensor of `shape`, or an empty sequence, optional or map
/// (which the kernel replaces).
Tensor make_output(DType dtype, const Shape& shape);

/// Opset of a node's domain in `model` (throws kUnsupported when not imported).
int64_t node_opset(const graph::Model& model, const graph::Node& node);

}  // namespace konnx::runtime
