// SPDX-License-Identifier: MIT
// float16 / bfloat16 models computed in float32 (run at every optimization level, before the others): the
// graph's 16-bit inputs are cast to float once, its 16-bit weights and constants become float, and its 16-bit
// outputs are cast back, so every kernel in between runs its float32 path (oneDNN included). This is what
// onnxruntime's CPU provider does for ops without a float16 kernel (casts around them, redundant pairs removed).
// A Cast to a 16-bit type inside the graph still rounds: it becomes Cast to that type, then Cast to float.
// Graphs with subgraphs (If/Loop/Scan bodies) are left unchanged, and so are graphs with an output of unknown
// element type: which of those outputs the model meant as 16-bit is unknown here, and casting none back would
// change the dtype the caller gets (the 16-bit kernels that exist then run them as before).
#include <string>

#include "core/half.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {
namespace {

bool is_half(DType t) { return t == DType::kFloat16 || t == DType::kBFloat16; }

Tensor to_float_tensor(const Tensor& t) {
    Tensor out = Tensor::empty(DType::kFloat32, t.shape());
    float* o = out.data<float>();
    const int64_t n = t.numel();
    if (t.dtype() == DType::kFloat16)
        for (int64_t i = 0; i < n; ++i)
            o[i] = to_float(t.data<Float16>()[i]);
    else
        for (int64_t i = 0; i < n; ++i)
            o[i] = to_float(t.data<BFloat16>()[i]);
    return out;
}

Node cast_node(const std::string& from, const std::string& to, DType dtype) {
    Node n;
    n.op_type = "Cast";
    n.name = to + "/cast";
    n.inputs = {from};
    n.outputs = {to};
    n.set_attr("to", Attribute::of_int(static_cast<int64_t>(dtype)));
    return n;
}

void rename_inputs(Graph& g, const std::string& from, const std::string& to) {
    for (auto& node : g.nodes)
        for (auto& in : node.inputs)
            if (in == from) in = to;
}

bool has_untyped_output(const Graph& g) {
    for (const auto& v : g.outputs)
        if (!dtype_is_known(v.dtype)) return true;
    return false;
}

bool has_subgraphs(const Graph& g) {
    for (const auto& node : g.nodes)
        for (const auto& [key, a] : node.attributes)
            if (a.g || !a.graphs.empty()) return true;
    return false;
}

}  // namespace

bool compute_half_in_float(Model& model) {
    Graph& g = model.graph;
    bool uses_half = false;
    for (const auto& [name, t] : g.initializers)
        uses_half = uses_half || is_half(t.dtype());
    for (const auto& v : g.inputs)
        uses_half = uses_half || is_half(v.dtype);
    for (const auto& v : g.outputs)
        uses_half = uses_half || is_half(v.dtype);
    for (const auto& node : g.nodes)
        for (const auto& [key, a] : node.attributes)
            uses_half = uses_half || (a.kind == Attribute::Kind::kTensor && is_half(a.t.dtype())) ||
                        (node.op_type == "Cast" && key == "to" && is_half(static_cast<DType>(a.i)));
    if (!uses_half || has_subgraphs(g) || has_untyped_output(g)) return false;
    // An output without a declared dtype could not be cast back to its 16-bit type: leave such a graph to the
    // kernels' own 16-bit paths.
    for (const auto& v : g.outputs)
        if (v.dtype == DType::kUndefined) return false;

    std::vector<Node> nodes;
    for (auto& v : g.inputs) {
        if (!is_half(v.dtype) || g.initializers.count(v.name)) continue;
        const std::string wide = v.name + "/float";
        rename_inputs(g, v.name, wide);
        nodes.push_back(cast_node(v.name, wide, DType::kFloat32));
    }
    for (auto& [name, t] : g.initializers)
        if (is_half(t.dtype())) t = to_float_tensor(t);
    for (auto& v : g.inputs)
        if (is_half(v.dtype) && g.initializers.count(v.name)) v.dtype = DType::kFloat32;
    for (auto& node : g.nodes) {
        for (auto& [key, a] : node.attributes)
            if (a.kind == Attribute::Kind::kTensor && is_half(a.t.dtype())) a.t = to_float_tensor(a.t);
        const Attribute* to = node.find_attr("to");
        const bool rounding_cast =
            is_onnx_domain(node.domain) && node.op_type == "Cast" && to && is_half(static_cast<DType>(to->i));
        if (!rounding_cast) {
            nodes.push_back(std::move(node));
            continue;
        }
        const std::string out = node.outputs[0], rounded = out + "/rounded";
        node.outputs[0] = rounded;
        nodes.push_back(std::move(node));
        nodes.push_back(cast_node(rounded, out, DType::kFloat32));
    }
    for (auto& v : g.outputs) {
        if (!is_half(v.dtype)) continue;
        const std::string wide = v.name + "/float";
        for (auto& node : nodes)
            for (auto& o : node.outputs)
                if (o == v.name) o = wide;
        for (auto& node : nodes)
            for (auto& in : node.inputs)
                if (in == v.name) in = wide;
        nodes.push_back(cast_node(wide, v.name, v.dtype));
    }
    for (auto& v : g.value_info)
        if (is_half(v.dtype)) v.dtype = DType::kFloat32;
    g.nodes = std::move(nodes);
    return true;
}

}  // namespace konnx::graph
