// SPDX-License-Identifier: MIT
// konnx::inspect_model: a model's declared interface, op histogram and parameter totals, read from the IR
// without validating, optimizing or planning it (so models konnx cannot run can still be inspected).
#include <algorithm>

#include "konnx/inspect.hpp"
#include "konnx/version.hpp"
#include "onnx/model_io.hpp"
#include "runtime/validate.hpp"

namespace konnx {

namespace {

TensorInfo to_info(const graph::ValueInfo& v) { return {v.name, v.dtype, v.shape, v.has_shape}; }

void count_parameters(const Tensor& t, ModelSummary& s) {
    if (!t.defined()) return;
    s.parameter_count += t.numel();
    s.parameter_bytes += static_cast<int64_t>(t.nbytes());
}

void walk(const graph::Graph& g, ModelSummary& s, std::map<std::string, int64_t>& histogram) {
    s.initializers += static_cast<int64_t>(g.initializers.size());
    for (const auto& [name, t] : g.initializers)
        count_parameters(t, s);
    for (const auto& node : g.nodes) {
        ++s.nodes;
        ++histogram[graph::is_onnx_domain(node.domain) ? node.op_type : node.domain + "." + node.op_type];
        for (const auto& [name, attr] : node.attributes) {
            if (node.op_type == "Constant" && attr.kind == graph::Attribute::Kind::kTensor) count_parameters(attr.t, s);
            if (attr.kind == graph::Attribute::Kind::kGraph && attr.g) walk(*attr.g, s, histogram);
            if (attr.kind == graph::Attribute::Kind::kGraphs)
                for (const auto& sub : attr.graphs)
                    if (sub) walk(*sub, s, histogram);
        }
    }
}

ModelSummary summarize(const graph::Model& model) {
    ModelSummary s;
    s.info.ir_version = model.ir_version;
    for (const auto& o : model.opsets)
        s.info.opsets[o.domain] = o.version;
    s.info.producer_name = model.producer_name;
    s.info.producer_version = model.producer_version;
    s.info.graph_name = model.graph.name;
    s.info.doc_string = model.doc_string;
    s.info.metadata = model.metadata;
    s.model_version = model.model_version;
    s.domain = model.domain;
    for (const auto* v : model.graph.runtime_inputs())
        s.inputs.push_back(to_info(*v));
    for (const auto& v : model.graph.outputs)
        s.outputs.push_back(to_info(v));
    std::map<std::string, int64_t> histogram;
    walk(model.graph, s, histogram);
    s.op_histogram.assign(histogram.begin(), histogram.end());
    std::stable_sort(s.op_histogram.begin(), s.op_histogram.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (const auto opset = model.opset(""); opset && *opset > kMaxOnnxOpset) {
        s.unsupported = cat("opset ", *opset, " (konnx runs ai.onnx opsets 1 to ", kMaxOnnxOpset, ")");
        return s;
    }
    try {
        runtime::check_ops_supported(model, ops::OpRegistry::global());
    } catch (const Error& e) {
        s.unsupported = e.what();
    }
    return s;
}

}  // namespace

ModelSummary inspect_model(const std::string& path) {
    const graph::Model model = onnxio::load_model(path);
    return summarize(model);
}

ModelSummary inspect_model(std::span<const std::byte> bytes) { return summarize(onnxio::parse_model(bytes)); }

}  // namespace konnx
