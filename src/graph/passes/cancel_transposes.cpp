// SPDX-License-Identifier: MIT
// Transpose cancelling: the one pass that removes the NHWC<->NCHW Transposes converters insert.
//   1. Transpose(Transpose(x, p), q)        -> Transpose(x, p∘q), dropped when that is the identity;
//   2. Transpose over a constant            -> the constant, permuted (folded);
//   3. Transpose(p) -> unary elementwise op -> the op first, then the Transpose, so it can meet and
//      cancel a following Transpose (only when the first Transpose has no other consumer).
// Repeats to a fixed point.
#include <algorithm>
#include <numeric>
#include <set>
#include <unordered_map>

#include "core/shape.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {
namespace {

// Ops that act elementwise on one tensor and ignore layout.
const std::set<std::string>& layout_agnostic_unary() {
    static const std::set<std::string> ops = {
        "Relu",      "Sigmoid",  "Tanh",       "LeakyRelu", "Elu",     "Selu",  "HardSigmoid",
        "HardSwish", "Softplus", "Softsign",   "Clip",      "Abs",     "Neg",   "Exp",
        "Log",       "Sqrt",     "Reciprocal", "Erf",       "Ceil",    "Floor", "Round",
        "Sign",      "Not",      "Cast",       "Identity",  "Dropout", "Celu",  "ThresholdedRelu",
        "Sin",       "Cos",      "Tan",        "Asin",      "Acos",    "Atan",  "Sinh",
        "Cosh"};
    return ops;
}

std::vector<int64_t> perm_of(const Node& n, std::size_t rank) {
    if (const Attribute* a = n.find_attr("perm"); a && a->kind == Attribute::Kind::kInts) return a->ints;
    std::vector<int64_t> p(rank);
    std::iota(p.rbegin(), p.rend(), 0);  // ONNX default: reverse
    return p;
}

bool is_identity(const std::vector<int64_t>& p) {
    for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i] != static_cast<int64_t>(i)) return false;
    return true;
}

Tensor transpose_constant(const Tensor& t, const std::vector<int64_t>& perm) {
    const std::size_t rank = t.rank();
    Shape out_shape(rank);
    for (std::size_t i = 0; i < rank; ++i)
        out_shape[i] = t.shape()[static_cast<std::size_t>(perm[i])];
    Tensor out = Tensor::empty(t.dtype(), out_shape);
    const auto in_strides = strides_of(t.shape());
    const std::size_t elem = dtype_size(t.dtype());
    std::vector<int64_t> index(rank, 0);
    const auto* src = static_cast<const std::byte*>(t.raw());
    auto* dst = static_cast<std::byte*>(out.raw());
    for (int64_t o = 0; o < out.numel(); ++o) {
        int64_t offset = 0;
        for (std::size_t d = 0; d < rank; ++d)
            offset += index[d] * in_strides[static_cast<std::size_t>(perm[d])];
        std::copy_n(src + offset * static_cast<int64_t>(elem), elem, dst + o * static_cast<int64_t>(elem));
        for (std::size_t d = rank; d-- > 0;) {
            if (++index[d] < out_shape[d]) break;
            index[d] = 0;
        }
    }
    return out;
}

bool cancel_once(Model& model) {
    Graph& g = model.graph;
    std::unordered_map<std::string, std::size_t> producer;
    std::unordered_map<std::string, int> uses;
    std::set<std::string> graph_outputs;
    for (const auto& o : g.outputs)
        graph_outputs.insert(o.name);
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        for (const auto& o : g.nodes[i].outputs)
            producer[o] = i;
        for (const auto& in : g.nodes[i].inputs)
            ++uses[in];
        for (const auto& [k, a] : g.nodes[i].attributes)  // values read inside subgraphs count as uses
            for (const auto* body : {a.g.get()})
                if (body)
                    for (const auto& inner : body->nodes)
                        for (const auto& in : inner.inputs)
                            ++uses[in];
    }
    auto single_use = [&](const std::string& v) { return uses[v] == 1 && !graph_outputs.count(v); };

    // 0. identity Transposes: forward their input (renaming its producer when the output is a graph output).
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        Node& n = g.nodes[i];
        if (n.op_type != "Transpose" || !n.domain.empty() || n.inputs.empty() || n.inputs[0].empty()) continue;
        const auto p = perm_of(n, 0);
        if (p.empty() || !is_identity(p)) continue;
        const std::string from = n.outputs[0], to = n.inputs[0];
        if (!graph_outputs.count(from)) {
            for (auto& other : g.nodes)
                for (auto& in : other.inputs)
                    if (in == from) in = to;
        } else {
            auto it = producer.find(to);
            if (it == producer.end() || !single_use(to)) continue;
            for (auto& o : g.nodes[it->second].outputs)
                if (o == to) o = from;
        }
        g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
    }

    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        Node& n = g.nodes[i];
        if (n.op_type != "Transpose" || !n.domain.empty() || n.inputs.empty()) continue;
        const std::string src = n.inputs[0];  // a copy: n.inputs is rewritten below

        // 2. constant input: fold. Not an initializer that is also a graph input (IR < 4 style): the caller
        // may override it, so it must stay a runtime input.
        const bool overridable =
            std::any_of(g.inputs.begin(), g.inputs.end(), [&](const ValueInfo& v) { return v.name == src; });
        if (const Tensor* c = g.find_initializer(src); c && single_use(src) && !overridable) {
            const auto perm = perm_of(n, c->rank());
            if (perm.size() != c->rank()) continue;
            g.initializers[n.outputs[0]] = transpose_constant(*c, perm);
            g.initializers.erase(src);
            g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
            return true;
        }
        auto it = producer.find(src);
        if (it == producer.end()) continue;
        Node& prev = g.nodes[it->second];

        // 1. Transpose of a Transpose.
        if (prev.op_type == "Transpose" && prev.domain.empty()) {
            auto p = perm_of(prev, 0), q = perm_of(n, 0);
            if (p.empty() || p.size() != q.size()) continue;
            std::vector<int64_t> composed(q.size());
            for (std::size_t k = 0; k < q.size(); ++k)
                composed[k] = p[static_cast<std::size_t>(q[k])];
            n.inputs[0] = prev.inputs[0];
            if (is_identity(composed) && !graph_outputs.count(n.outputs[0])) {
                // Rewire consumers of n to the original value and drop n.
                const std::string from = n.outputs[0], to = n.inputs[0];
                for (auto& other : g.nodes)
                    for (auto& in : other.inputs)
                        if (in == from) in = to;
                g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
                n.set_attr("perm", Attribute::of_ints(composed));
            }
            if (single_use(src)) {
                // prev is now unused: remove it.
                auto pos = std::find_if(g.nodes.begin(), g.nodes.end(),
                                        [&](const Node& x) { return !x.outputs.empty() && x.outputs[0] == src; });
                if (pos != g.nodes.end()) g.nodes.erase(pos);
            }
            return true;
        }

        // 3. Transpose -> unary op: swap them when the Transpose feeds only that op and the op's
        //    output feeds a Transpose (so the swap leads to a cancellation).
        if (single_use(src)) continue;  // handled from the other side
    }

    // 3, searched from the unary op.
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        Node& op = g.nodes[i];
        if (!op.domain.empty() || !layout_agnostic_unary().count(op.op_type) || op.inputs.empty() || op.outputs.empty())
            continue;
        if (op.op_type == "Dropout" && op.outputs.size() > 1 && !op.outputs[1].empty()) continue;
        auto it = producer.find(op.inputs[0]);
        if (it == producer.end()) continue;
        Node& t = g.nodes[it->second];
        if (t.op_type != "Transpose" || !t.domain.empty() || !single_use(op.inputs[0])) continue;
        if (graph_outputs.count(op.outputs[0]) || uses[op.outputs[0]] < 1) continue;
        bool feeds_transpose = true;
        for (const auto& other : g.nodes)
            for (const auto& in : other.inputs)
                if (in == op.outputs[0] && other.op_type != "Transpose") feeds_transpose = false;
        if (!feeds_transpose) continue;
        // x -T-> a -op-> b   becomes   x -op-> a' -T-> b
        const std::string x = t.inputs[0], a = t.outputs[0], b = op.outputs[0];
        const std::string moved = a + "_pre_transpose";
        op.inputs[0] = x;
        op.outputs[0] = moved;
        t.inputs[0] = moved;
        t.outputs[0] = b;
        // Keep topological order: the op must come before the Transpose.
        const std::size_t ti = it->second;
        if (ti < i) std::swap(g.nodes[ti], g.nodes[i]);
        return true;
    }
    return false;
}

}  // namespace

bool cancel_transposes(Model& model) {
    bool changed = false;
    for (int guard = 0; guard < 10000 && cancel_once(model); ++guard)
        changed = true;
    return changed;
}

}  // namespace konnx::graph
