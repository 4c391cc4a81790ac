// SPDX-License-Identifier: MIT
// The public Session: load + validate + optimize once, then plans cached per input signature.
#include <algorithm>
#include <map>
#include <mutex>

#include "core/load_profile.hpp"
#include "core/parallel.hpp"
#include "graph/passes/passes.hpp"
#include "konnx/session.hpp"
#include "konnx/version.hpp"
#include "onnx/model_io.hpp"
#include "runtime/optimize_context.hpp"
#include "runtime/plan.hpp"
#include "runtime/validate.hpp"

namespace konnx {

struct Session::Impl {
    graph::Model model;
    SessionOptions options;
    std::vector<TensorInfo> inputs, outputs;
    ModelInfo info;

    using Key = std::vector<int64_t>;  // dtype, rank, dims... per input
    mutable std::mutex mutex;
    mutable std::map<Key, std::shared_ptr<const runtime::Plan>> plans;  // nullptr = dynamic mode
    static constexpr std::size_t kMaxPlans = 32;

    std::shared_ptr<const runtime::Plan> plan_for(const std::vector<Tensor>& feeds) const;
    std::vector<Tensor> run(const std::vector<std::pair<std::string, Tensor>>& named,
                            std::vector<NodeProfile>* profile) const;
};

namespace {

TensorInfo to_info(const graph::ValueInfo& v) { return {v.name, v.dtype, v.shape, v.has_shape}; }

// bfloat16 convolutions and matmuls (fp32 accumulation) are only faster than float32 where the CPU has
// AVX512_BF16's dot products; elsewhere oneDNN emulates them, slower than float32, so they are refused.
void check_precision(Precision precision) {
    if (precision == Precision::kFloat32) return;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    const bool bf16 = __builtin_cpu_supports("avx512bf16");
#else
    const bool bf16 = false;
#endif
    if (!bf16)
        fail(ErrorCode::kUnsupported,
             "bf16 precision needs a CPU with AVX512_BF16 (Intel Cooper Lake / Sapphire Rapids, AMD Zen 4 and "
             "later); this CPU lacks it, where bf16 would run slower than float32: use the default fp32");
    fail(ErrorCode::kUnsupported,
         "bf16 precision is not implemented yet (float32 kernels only; see docs/PERFORMANCE.md): use the default fp32");
}

std::unique_ptr<Session::Impl> make_impl(graph::Model model, const SessionOptions& options) {
    check_precision(options.precision);
    if (model.ir_version < 3)
        fail(ErrorCode::kUnsupported, "ONNX IR version ", model.ir_version, " is too old (konnx reads IR 3 and later)");
    if (!model.opset("")) model.opsets.push_back({"", 1});  // a graph using only custom domains
    const int64_t opset = *model.opset("");
    if (opset < 1 || opset > kMaxOnnxOpset)
        fail(ErrorCode::kUnsupported, "ai.onnx opset ", opset, " is not supported (konnx runs opsets 1 to ",
             kMaxOnnxOpset, ")");
    {
        LoadPhase phase("check graph");
        runtime::sort_and_check_graph(model.graph);
        runtime::check_ops_supported(model, ops::OpRegistry::global());
    }
    graph::compute_half_in_float(model);  // kernels run float32; needed at every level, so not in optimize()
    if (options.optimization_level >= 1) {
        LoadPhase phase("graph passes");
        graph::optimize(model, options.optimization_level, runtime::optimize_context());
    }

    auto impl = std::make_unique<Session::Impl>();
    impl->options = options;
    for (const auto* v : model.graph.runtime_inputs())
        impl->inputs.push_back(to_info(*v));
    for (const auto& v : model.graph.outputs)
        impl->outputs.push_back(to_info(v));
    auto& info = impl->info;
    info.ir_version = model.ir_version;
    for (const auto& o : model.opsets)
        info.opsets[o.domain] = o.version;
    info.producer_name = model.producer_name;
    info.producer_version = model.producer_version;
    info.graph_name = model.graph.name;
    info.doc_string = model.doc_string;
    info.metadata = model.metadata;
    impl->model = std::move(model);

    // With fixed input shapes, plan now (weights packed, kernels built): the first run is not slower.
    std::vector<Tensor> probes;
    for (const auto& in : impl->inputs) {
        Shape shape;
        for (const Dim& d : in.shape)
            shape.push_back(d.size);
        if (!in.has_shape || std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; }) ||
            !dtype_is_known(in.dtype))
            return impl;
        probes.push_back(Tensor::view(in.dtype, shape, nullptr));
    }
    impl->plan_for(probes);
    return impl;
}

}  // namespace

std::shared_ptr<const runtime::Plan> Session::Impl::plan_for(const std::vector<Tensor>& feeds) const {
    Key key;
    for (const auto& t : feeds) {
        key.push_back(static_cast<int64_t>(t.dtype()));
        key.push_back(static_cast<int64_t>(t.rank()));
        key.insert(key.end(), t.shape().begin(), t.shape().end());
    }
    std::lock_guard lock(mutex);
    if (auto it = plans.find(key); it != plans.end()) return it->second;
    runtime::PlanOptions popts;
    popts.optimized_kernels = options.optimization_level >= 2;
    popts.memory_budget_bytes = options.memory_budget_bytes;
    popts.threads = options.threads;
    set_thread_count(options.threads);
    std::shared_ptr<const runtime::Plan> plan = runtime::Plan::build(model, feeds, popts);
    if (plans.size() >= kMaxPlans) plans.erase(plans.begin());
    plans.emplace(key, plan);
    return plan;
}

std::vector<Tensor> Session::Impl::run(const std::vector<std::pair<std::string, Tensor>>& named,
                                       std::vector<NodeProfile>* profile) const {
    std::vector<Tensor> feeds(inputs.size());
    for (const auto& entry : named) {
        const std::string& name = entry.first;  // not a structured binding: lambdas below capture it (clang 14)
        const Tensor& tensor = entry.second;
        auto it = std::find_if(inputs.begin(), inputs.end(), [&](const TensorInfo& i) { return i.name == name; });
        if (it == inputs.end()) {
            std::vector<std::string> names;
            for (const auto& i : inputs)
                names.push_back("'" + i.name + "'");
            fail(ErrorCode::kInvalidArgument, "the model has no input '", name, "' (inputs: ", join(names), ")");
        }
        const auto index = static_cast<std::size_t>(it - inputs.begin());
        if (feeds[index].defined()) fail(ErrorCode::kInvalidArgument, "input '", name, "' is given twice");
        if (!tensor.defined()) fail(ErrorCode::kInvalidArgument, "input '", name, "' is an empty tensor");
        if (it->dtype != DType::kUndefined && tensor.dtype() != it->dtype)
            fail(ErrorCode::kInvalidArgument, "input '", name, "' must be ", dtype_name(it->dtype), ", got ",
                 dtype_name(tensor.dtype()));
        if (it->has_shape) {
            bool ok = tensor.rank() == it->shape.size();
            for (std::size_t d = 0; ok && d < it->shape.size(); ++d)
                ok = !it->shape[d].is_fixed() || it->shape[d].size == tensor.shape()[d];
            if (!ok) {
                std::vector<std::string> dims;
                for (const Dim& d : it->shape)
                    dims.push_back(d.is_fixed() ? std::to_string(d.size) : (d.symbol.empty() ? "?" : d.symbol));
                fail(ErrorCode::kInvalidArgument, "input '", name, "' must have shape [", join(dims, ","), "], got ",
                     shape_str(tensor.shape()));
            }
        }
        feeds[index] = tensor;
    }
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (!feeds[i].defined()) fail(ErrorCode::kInvalidArgument, "input '", inputs[i].name, "' was not given");

    set_thread_count(options.threads);
    auto plan = plan_for(feeds);
    std::vector<double> micros;
    std::vector<Tensor> result;
    if (plan) {
        result = plan->run(feeds, profile ? &micros : nullptr);
        if (profile) {
            profile->clear();
            for (std::size_t s = 0; s < plan->steps().size(); ++s)
                profile->push_back({plan->steps()[s].node->name, plan->steps()[s].node->op_type, micros[s]});
        }
    } else {
        runtime::DynamicExecutor executor(model, nullptr, nullptr, options.memory_budget_bytes);
        result = executor.run_graph(model.graph, feeds, profile ? &micros : nullptr);
        if (profile) {
            profile->clear();
            for (std::size_t s = 0; s < micros.size(); ++s)
                profile->push_back({model.graph.nodes[s].name, model.graph.nodes[s].op_type, micros[s]});
        }
    }
    return result;
}

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Session Session::open(const std::string& path, const SessionOptions& options) {
    graph::Model model;
    {
        LoadPhase phase("read model");
        model = onnxio::load_model(path);
    }
    try {
        return Session(make_impl(std::move(model), options));
    } catch (const Error& e) {
        throw Error(e.code(), cat(path, ": ", e.what()));
    }
}

Session Session::from_bytes(std::span<const std::byte> bytes, const SessionOptions& options) {
    graph::Model model;
    {
        LoadPhase phase("parse model");
        model = onnxio::parse_model(bytes);
    }
    return Session(make_impl(std::move(model), options));
}

const std::vector<TensorInfo>& Session::inputs() const { return impl_->inputs; }
const std::vector<TensorInfo>& Session::outputs() const { return impl_->outputs; }
const ModelInfo& Session::model_info() const { return impl_->info; }

std::vector<Tensor> Session::run(const std::vector<std::pair<std::string, Tensor>>& inputs) const {
    return impl_->run(inputs, nullptr);
}

std::vector<Tensor> Session::run_profiled(const std::vector<std::pair<std::string, Tensor>>& inputs,
                                          std::vector<NodeProfile>& profile) const {
    return impl_->run(inputs, &profile);
}

}  // namespace konnx
