// SPDX-License-Identifier: MIT
// Pad (constant zeros, spatial dims only) -> Conv becomes one Conv with larger pads: the convolution
// pads implicitly, without writing a padded copy of its input. Keras models need it most: a
// ZeroPadding2D before a "valid" Conv2D (ResNet50's conv1_pad: 8% of its inference time) converts
// to exactly this pair. The same for Pad -> MaxPool when the padded values are never negative (a ReLU's
// output, Keras ResNet50's pool1_pad): a zero in the window then never beats the real values, so the
// pool's own padding (which ignores those taps) gives the same maxima, as long as every window keeps at
// least one real value.
#include <tuple>

#include "graph/passes/pass_util.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {
namespace {

// The Pad's per-dim pads [x0_begin, x1_begin, ..., x0_end, ...] when it pads with zeros in constant
// mode over every dim (no `axes`), else nullopt.
std::optional<std::vector<int64_t>> zero_pads_of(const Model& model, const Node& pad) {
    if (pad.op_type != "Pad" || !is_onnx_domain(pad.domain) || pad.inputs.empty() || pad.outputs.size() != 1)
        return std::nullopt;
    if (const Attribute* mode = pad.find_attr("mode"); mode && mode->s != "constant") return std::nullopt;
    if (model.opset("").value_or(1) < 11) {
        const Attribute* pads = pad.find_attr("pads");
        if (const Attribute* v = pad.find_attr("value"); v && v->f != 0.f) return std::nullopt;
        if (!pads) return std::nullopt;
        return pads->ints;
    }
    if (pad.inputs.size() > 3 && !pad.inputs[3].empty()) return std::nullopt;  // axes: not worth handling
    if (pad.inputs.size() > 2 && !pad.inputs[2].empty()) {
        const Tensor* value = constant_tensor(model.graph, pad.inputs[2]);
        if (!value || value->numel() != 1 || value->dtype() != DType::kFloat32 || value->data<float>()[0] != 0.f)
            return std::nullopt;
    }
    if (pad.inputs.size() < 2) return std::nullopt;
    const Tensor* pads = constant_tensor(model.graph, pad.inputs[1]);
    if (!pads || pads->dtype() != DType::kInt64) return std::nullopt;
    return pads->to_vector<int64_t>();
}

// Pads of a Pad's input rearranged as pads of Transpose(perm)'s output, or nullopt for a bad perm.
std::optional<std::vector<int64_t>> permute_pads(const std::vector<int64_t>& pads, const std::vector<int64_t>& perm) {
    const std::size_t rank = pads.size() / 2;
    if (perm.size() != rank) return std::nullopt;
    std::vector<int64_t> out(pads.size());
    for (std::size_t d = 0; d < rank; ++d) {
        if (perm[d] < 0 || static_cast<std::size_t>(perm[d]) >= rank) return std::nullopt;
        const auto from = static_cast<std::size_t>(perm[d]);
        out[d] = pads[from];
        out[rank + d] = pads[rank + from];
    }
    return out;
}

// Whether every element of `value` is >= 0 (or NaN): the output of a Relu, or of a Clip whose min is >= 0.
bool never_negative(const Model& model, const ValueUses& uses, const std::string& value) {
    const auto p = uses.producer.find(value);
    if (p == uses.producer.end()) return false;
    const Node& n = model.graph.nodes[p->second];
    if (!is_onnx_domain(n.domain)) return false;
    if (n.op_type == "Relu") return true;
    if (n.op_type != "Clip") return false;
    if (const Attribute* min = n.find_attr("min")) return min->f >= 0.f;  // opset < 11
    if (n.inputs.size() < 2 || n.inputs[1].empty()) return false;
    const Tensor* min = constant_tensor(model.graph, n.inputs[1]);
    return min && min->numel() == 1 && min->dtype() == DType::kFloat32 && min->data<float>()[0] >= 0.f;
}

// A MaxPool that can take `pads` (all dims, as Pad's) into its own: 2-D or more, no Indices output (they
// would count the padded input), no ceil_mode or dilations, and every window still holding a real value.
bool pool_takes_pads(const Node& pool, const std::vector<int64_t>& pads) {
    if (pool.op_type != "MaxPool" || !is_onnx_domain(pool.domain)) return false;
    if (pool.outputs.size() > 1 && !pool.outputs[1].empty()) return false;
    const Attribute* kernel = pool.find_attr("kernel_shape");
    const std::size_t rank = pads.size() / 2;
    if (!kernel || kernel->ints.size() + 2 != rank) return false;
    if (const Attribute* c = pool.find_attr("ceil_mode"); c && c->i != 0) return false;
    if (const Attribute* d = pool.find_attr("dilations"))
        for (int64_t v : d->ints)
            if (v != 1) return false;
    const std::size_t spatial = rank - 2;
    std::vector<int64_t> own(2 * spatial, 0);
    if (const Attribute* a = pool.find_attr("pads"); a && a->ints.size() == own.size()) own = a->ints;
    for (std::size_t d = 0; d < spatial; ++d)
        if (own[d] + pads[2 + d] >= kernel->ints[d] || own[spatial + d] + pads[rank + 2 + d] >= kernel->ints[d])
            return false;
    return true;
}

}  // namespace

bool fuse_pad_conv(Model& model) {
    Graph& g = model.graph;
    const ValueUses uses(g);
    std::vector<bool> dead(g.nodes.size(), false);
    bool changed = false;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& pad = g.nodes[i];
        auto pads = zero_pads_of(model, pad);
        if (!pads || !uses.single_reader(pad.outputs[0])) continue;
        auto [reader, slot] = uses.readers.at(pad.outputs[0])[0];
        // Keras models keep NHWC up to the first conv: Pad -> Transpose(NHWC->NCHW) -> Conv. The
        // Transpose then reads the unpadded input and the pads follow its permutation.
        Node* transpose = nullptr;
        if (g.nodes[reader].op_type == "Transpose" && is_onnx_domain(g.nodes[reader].domain)) {
            transpose = &g.nodes[reader];
            const Attribute* perm = transpose->find_attr("perm");
            if (!perm || !uses.single_reader(transpose->outputs[0])) continue;
            pads = permute_pads(*pads, perm->ints);
            if (!pads) continue;
            std::tie(reader, slot) = uses.readers.at(transpose->outputs[0])[0];
        }
        Node& conv = g.nodes[reader];  // or a MaxPool
        if (slot != 0 || dead[reader]) continue;
        const bool pool = !transpose && pool_takes_pads(conv, *pads) && never_negative(model, uses, pad.inputs[0]);
        if (!pool && !is_fusable_conv(g, conv) && !is_fused_conv(conv)) continue;
        if (const Attribute* a = conv.find_attr("auto_pad"); a && !a->s.empty() && a->s != "NOTSET") continue;
        const Tensor* w = pool ? nullptr : g.find_initializer(conv.inputs[1]);
        if (!pool && !w) continue;
        const std::size_t rank = pool ? pads->size() / 2 : w->rank(), spatial = rank - 2;
        if (pads->size() != 2 * rank) continue;
        // Batch and channel dims unpadded, no cropping (negative pads).
        bool fits = (*pads)[0] == 0 && (*pads)[1] == 0 && (*pads)[rank] == 0 && (*pads)[rank + 1] == 0;
        for (int64_t p : *pads)
            fits = fits && p >= 0;
        if (!fits) continue;
        std::vector<int64_t> conv_pads(2 * spatial, 0);
        if (const Attribute* a = conv.find_attr("pads"); a && a->ints.size() == 2 * spatial) conv_pads = a->ints;
        for (std::size_t d = 0; d < spatial; ++d) {
            conv_pads[d] += (*pads)[2 + d];
            conv_pads[spatial + d] += (*pads)[rank + 2 + d];
        }
        conv.set_attr("pads", Attribute::of_ints(conv_pads));
        (transpose ? transpose->inputs[0] : conv.inputs[0]) = pad.inputs[0];
        dead[i] = true;
        changed = true;
    }
    if (changed) erase_nodes(g, dead);
    return changed;
}

}  // namespace konnx::graph
