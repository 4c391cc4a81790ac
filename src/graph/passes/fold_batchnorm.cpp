// SPDX-License-Identifier: MIT
// Conv -> BatchNormalization (inference, constant parameters) becomes one Conv with scaled weights
// and a bias: W'[o] = W[o] * s[o], B'[o] = (B[o] - mean[o]) * s[o] + beta[o], s = gamma / sqrt(var + eps).
#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

#include "core/file.hpp"
#include "core/memory.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {
namespace {

const Tensor* constant_f32(const Graph& g, const Node& n, std::size_t i) {
    if (i >= n.inputs.size() || n.inputs[i].empty()) return nullptr;
    const Tensor* t = g.find_initializer(n.inputs[i]);
    return t && t->dtype() == DType::kFloat32 ? t : nullptr;
}

}  // namespace

bool fold_batchnorm(Model& model) {
    Graph& g = model.graph;
    std::unordered_map<std::string, int> uses;
    for (const auto& n : g.nodes)
        for (const auto& in : n.inputs)
            ++uses[in];
    for (const auto& o : g.outputs)
        ++uses[o.name];
    std::unordered_map<std::string, std::size_t> producer;
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        for (const auto& o : g.nodes[i].outputs)
            producer[o] = i;

    // Folded BatchNormalization nodes are removed after the scan: erasing inside it would shift the indices
    // in `producer` and pair a later BatchNormalization with the wrong Conv.
    std::vector<bool> folded(g.nodes.size(), false);
    bool changed = false;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        Node& bn = g.nodes[i];
        if (bn.op_type != "BatchNormalization" || !bn.domain.empty() || bn.inputs.size() < 5) continue;
        if (bn.outputs.size() > 1 &&
            std::any_of(bn.outputs.begin() + 1, bn.outputs.end(), [](auto& o) { return !o.empty(); }))
            continue;  // training-mode outputs requested
        if (const Attribute* t = bn.find_attr("training_mode"); t && t->i != 0) continue;
        auto it = producer.find(bn.inputs[0]);
        if (it == producer.end() || uses[bn.inputs[0]] != 1) continue;
        Node& conv = g.nodes[it->second];
        if (conv.op_type != "Conv" || !conv.domain.empty() || conv.inputs.size() < 2) continue;
        const Tensor* w = constant_f32(g, conv, 1);
        const Tensor* b = conv.inputs.size() > 2 ? constant_f32(g, conv, 2) : nullptr;
        if (!w || w->rank() < 3 || (conv.inputs.size() > 2 && !conv.inputs[2].empty() && !b)) continue;
        if (uses[conv.inputs[1]] != 1 || (b && uses[conv.inputs[2]] != 1)) continue;  // weights shared elsewhere
        const Tensor *gamma = constant_f32(g, bn, 1), *beta = constant_f32(g, bn, 2), *mean = constant_f32(g, bn, 3),
                     *var = constant_f32(g, bn, 4);
        const int64_t channels = w->shape()[0];
        auto per_channel = [&](const Tensor* t) { return t && t->numel() == channels; };
        if (!per_channel(gamma) || !per_channel(beta) || !per_channel(mean) || !per_channel(var)) continue;
        const Attribute* eps_attr = bn.find_attr("epsilon");
        const float eps = eps_attr ? eps_attr->f : 1e-5f;

        // Written once (no clone, then scale), into huge-page blocks like the other weights made at load.
        Tensor new_w = empty_load_tensor(DType::kFloat32, w->shape());
        Tensor new_b = empty_load_tensor(DType::kFloat32, {channels});
        const int64_t per_out = w->numel() / channels;
        for (int64_t o = 0; o < channels; ++o) {
            const float s = gamma->data<float>()[o] / std::sqrt(var->data<float>()[o] + eps);
            const float* wi = w->data<float>() + o * per_out;
            float* wo = new_w.data<float>() + o * per_out;
            for (int64_t k = 0; k < per_out; ++k)
                wo[k] = wi[k] * s;
            const float bias = b ? b->data<float>()[o] : 0.f;
            new_b.data<float>()[o] = (bias - mean->data<float>()[o]) * s + beta->data<float>()[o];
        }
        // The original weights are read for the last time: their file-mapped pages (if mapped) go back to
        // the page cache instead of staying in RSS next to the folded copy (re-read if ever touched).
        MappedFile::release_if_mapped(w->raw(), w->nbytes());
        const std::string w_name = conv.inputs[1] + "_bnfolded", b_name = conv.outputs[0] + "_bnfolded_bias";
        g.initializers[w_name] = std::move(new_w);
        g.initializers[b_name] = std::move(new_b);
        conv.inputs.resize(3);
        conv.inputs[1] = w_name;
        conv.inputs[2] = b_name;
        conv.outputs[0] = bn.outputs[0];
        bn.outputs[0].clear();  // a later BatchNormalization reading this name finds no Conv producer here
        folded[i] = true;
        changed = true;
    }
    if (changed) {  // drop the folded nodes, then initializers nobody reads any more
        std::size_t kept = 0;
        for (std::size_t i = 0; i < g.nodes.size(); ++i)
            if (!folded[i]) {
                if (kept != i) g.nodes[kept] = std::move(g.nodes[i]);
                ++kept;
            }
        g.nodes.resize(kept);
        std::unordered_map<std::string, int> still;
        for (const auto& n : g.nodes)
            for (const auto& in : n.inputs)
                ++still[in];
        for (const auto& o : g.outputs)
            ++still[o.name];
        for (auto it = g.initializers.begin(); it != g.initializers.end();) {
            const bool is_input =
                std::any_of(g.inputs.begin(), g.inputs.end(), [&](auto& v) { return v.name == it->first; });
            it = (!still.count(it->first) && !is_input) ? g.initializers.erase(it) : std::next(it);
        }
    }
    return changed;
}

}  // namespace konnx::graph
