// SPDX-License-Identifier: MIT
// The op interface. Every ONNX op lives in one file, src/ops/<op>.cpp, holding
//   - infer():  the one shape/type function, used by the planner and the converter's checks;
//   - a Kernel: the reference implementation (optimized ones live in src/kernels and are picked here);
//   - register_<file stem>(OpRegistry&): the file's one registration entry point.
// CMake globs src/ops/*.cpp and generates the call list, so adding an op is adding a file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "graph/ir.hpp"
#include "konnx/tensor.hpp"

namespace konnx::ops {

/// What the planner knows about an input: always dtype and shape, and the data when it is constant.
struct ValueFacts {
    DType dtype = DType::kUndefined;
    Shape shape;
    const Tensor* value = nullptr;
};

/// Thrown by NodeContext::require_value() when a shape depends on data not known at plan time;
/// the planner then runs the graph in dynamic mode (shapes inferred at run time). Not an error.
struct NeedsValue {};

/// Read access to a node, its attributes and its inputs, with errors that name the node.
class NodeContext {
public:
    NodeContext(const graph::Node& node, int64_t opset, std::span<const ValueFacts> inputs)
        : node_(node), opset_(opset), inputs_(inputs) {}

    const graph::Node& node() const { return node_; }
    int64_t opset() const { return opset_; }

    std::size_t num_inputs() const { return node_.inputs.size(); }
    /// False for absent optional inputs (beyond the list or named "").
    bool has_input(std::size_t i) const { return i < node_.inputs.size() && !node_.inputs[i].empty(); }
    DType input_dtype(std::size_t i) const { return facts(i).dtype; }
    const Shape& input_shape(std::size_t i) const { return facts(i).shape; }
    int64_t input_rank(std::size_t i) const { return static_cast<int64_t>(facts(i).shape.size()); }
    /// Constant data of input i, or nullptr when it is only known at run time.
    const Tensor* input_value(std::size_t i) const { return has_input(i) ? facts(i).value : nullptr; }
    /// Constant data of input i; throws NeedsValue when not known at plan time.
    const Tensor& require_value(std::size_t i) const;

    bool has_attr(std::string_view name) const { return node_.find_attr(name) != nullptr; }
    int64_t attr_int(std::string_view name, int64_t fallback) const;
    int64_t attr_int(std::string_view name) const;  ///< required
    float attr_float(std::string_view name, float fallback) const;
    std::string attr_string(std::string_view name, std::string fallback) const;
    std::vector<int64_t> attr_ints(std::string_view name, std::vector<int64_t> fallback = {}) const;
    std::vector<float> attr_floats(std::string_view name, std::vector<float> fallback = {}) const;
    std::vector<std::string> attr_strings(std::string_view name, std::vector<std::string> fallback = {}) const;
    const Tensor* attr_tensor(std::string_view name) const;
    const graph::Graph* attr_graph(std::string_view name) const;

    /// kInvalidModel naming the node: ctx.fail("input X must be 4-D, got ", shape_str(s)).
    template <class... Args>
    [[noreturn]] void fail(const Args&... args) const {
        konnx::fail(ErrorCode::kInvalidModel, node_.describe(), ": ", args...);
    }
    template <class... Args>
    void check(bool cond, const Args&... args) const {
        if (!cond) fail(args...);
    }
    /// kUnsupported naming the node, for valid models using something konnx lacks.
    template <class... Args>
    [[noreturn]] void unsupported(const Args&... args) const {
        konnx::fail(ErrorCode::kUnsupported, node_.describe(), ": ", args...);
    }

protected:
    const ValueFacts& facts(std::size_t i) const;

    const graph::Node& node_;
    int64_t opset_;
    std::span<const ValueFacts> inputs_;

private:
    const graph::Attribute& attr_of_kind(std::string_view name, graph::Attribute::Kind kind) const;
    const graph::Attribute* find_of_kind(std::string_view name, graph::Attribute::Kind kind) const;
};

/// Shape/type inference for one node.
class InferContext : public NodeContext {
public:
    InferContext(const graph::Node& node, int64_t opset, std::span<const ValueFacts> inputs,
                 std::vector<ValueFacts>& outputs, std::vector<Tensor>& output_values)
        : NodeContext(node, opset, inputs), outputs_(outputs), output_values_(output_values) {}

    std::size_t num_outputs() const { return node_.outputs.size(); }
    bool has_output(std::size_t i) const { return i < node_.outputs.size() && !node_.outputs[i].empty(); }
    void set_output(std::size_t i, DType dtype, Shape shape);
    /// The output's data is known now (e.g. Shape, Size): the planner folds it into a constant.
    void set_output_value(std::size_t i, Tensor value);

private:
    std::vector<ValueFacts>& outputs_;
    std::vector<Tensor>& output_values_;
};

/// Everything a kernel factory may look at: the node, input facts (weights are constant values)
/// and the inferred outputs.
class KernelInit : public NodeContext {
public:
    KernelInit(const graph::Node& node, int64_t opset, std::span<const ValueFacts> inputs,
               std::span<const ValueFacts> outputs, bool optimized)
        : NodeContext(node, opset, inputs), outputs_(outputs), optimized_(optimized) {}

    std::size_t num_outputs() const { return outputs_.size(); }
    DType output_dtype(std::size_t i) const { return outputs_[i].dtype; }
    const Shape& output_shape(std::size_t i) const { return outputs_[i].shape; }
    /// False at optimization level 0: use the reference kernel only.
    bool optimized() const { return optimized_; }

private:
    std::span<const ValueFacts> outputs_;
    bool optimized_;
};

class SubgraphRunner;

/// Arguments of one kernel call. Outputs arrive allocated with their inferred shapes.
/// Absent optional inputs/outputs point at an undefined Tensor (check has_in / has_out).
struct KernelRun {
    std::span<const Tensor* const> inputs;
    std::span<Tensor* const> outputs;
    std::span<std::byte> scratch;  ///< Kernel::scratch_bytes() bytes, 64-byte aligned
    const SubgraphRunner* subgraphs = nullptr;

    const Tensor& in(std::size_t i) const { return *inputs[i]; }
    bool has_in(std::size_t i) const { return i < inputs.size() && inputs[i]->defined(); }
    Tensor& out(std::size_t i) const { return *outputs[i]; }
    bool has_out(std::size_t i) const { return i < outputs.size() && outputs[i]->defined(); }
    std::size_t num_inputs() const { return inputs.size(); }
    std::size_t num_outputs() const { return outputs.size(); }
};

/// Runs a node's subgraph attribute (If/Loop/Scan) with values of the enclosing scopes visible.
class SubgraphRunner {
public:
    virtual ~SubgraphRunner() = default;
    /// Runs `body` with its graph inputs bound in order to `inputs`; returns its outputs in order.
    virtual std::vector<Tensor> run(const graph::Graph& body, const std::vector<Tensor>& inputs) const = 0;
};

/// A kernel is built once per plan, for fixed input shapes, and must be safe to run concurrently.
class Kernel {
public:
    virtual ~Kernel() = default;
    virtual void run(const KernelRun& run) const = 0;
    virtual std::size_t scratch_bytes() const { return 0; }
};

/// Wraps a lambda as a Kernel: return make_kernel([=](const KernelRun& r) { ... });
template <class F>
std::unique_ptr<Kernel> make_kernel(F fn) {
    struct FnKernel final : Kernel {
        explicit FnKernel(F f) : fn(std::move(f)) {}
        void run(const KernelRun& r) const override { fn(r); }
        F fn;
    };
    return std::make_unique<FnKernel>(std::move(fn));
}

using InferFn = void (*)(InferContext&);
using KernelFactory = std::unique_ptr<Kernel> (*)(const KernelInit&);

/// The work of one run of a node, for the planner's per-step thread count (runtime/step_threads.cpp):
/// floating-point operations, and elements a memory-bound op reads and writes. Whichever bounds the
/// op is what counts; the other may be 0.
struct OpCost {
    double flops = 0;
    double elements = 0;
};
/// Estimates a node's cost from its input and output facts (shapes are final when it is called).
using CostFn = OpCost (*)(const KernelInit&);

/// Elements of `s` from dimension `from` on, as a double (for cost estimates; unknown dims count 0).
double element_count(const Shape& s, std::size_t from = 0);

/// Cost of an op that touches each element of input 0 and output 0 about once (elementwise maps,
/// pools, copies): their element counts.
OpCost streaming_cost(const KernelInit& init);

struct OpDef {
    std::string_view name;
    std::string_view domain;  ///< "" = ai.onnx
    int since_version = 1;    ///< oldest opset covered; the newest def <= model opset is used
    InferFn infer = nullptr;
    KernelFactory make_kernel = nullptr;
    bool foldable = true;  ///< pure function of its inputs: may run at plan time on constants
    /// What one run costs (nullptr: unknown; the step then runs on the session's threads).
    CostFn cost = nullptr;
    /// Bit i set: when input i is a float32 constant, the optimized kernel copies it into its own packed
    /// layout at load and never reads the original again (so the planner may release its mapped pages).
    uint32_t packed_float_inputs = 0;
    /// Reads or writes string tensors (whose elements live outside the tensor's bytes): only such ops may see them.
    bool strings = false;
};

class OpRegistry {
public:
    void add(const OpDef& def);
    /// The def with the greatest since_version <= opset, or nullptr.
    const OpDef* find(std::string_view domain, std::string_view name, int64_t opset) const;
    /// Every registered (domain, name) with its oldest supported version, sorted.
    std::vector<OpDef> all() const;
    /// The registry of all ops compiled in (src/ops/*.cpp).
    static const OpRegistry& global();

private:
    std::unordered_map<std::string, std::vector<OpDef>> defs_;  // key "domain::name"
};

}  // namespace konnx::ops
