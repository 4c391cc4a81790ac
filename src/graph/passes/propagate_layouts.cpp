// SPDX-License-Identifier: MIT
// Decides, once per graph, which activations live in oneDNN's preferred convolution layout (NHWC
// for oneDNN 2.6 on AVX-512, nChw8c/16c on older ISAs: the caller asks oneDNN) so that chains of
// convolutions hand each other tensors with no reorder in between. Only here: kernels never choose
// an activation layout on their own once this pass ran.
//
//   - Every 2-D float32 Conv with constant weights, ungrouped or depthwise, becomes a FusedConv
//     "in the region", reading (x_layout) and writing (y_layout) the region's layout. In blocked
//     layouts an input of 4 channels or fewer (the image) is read plain: padding it to a 16-channel
//     block would multiply the first conv's work, and oneDNN has plain-in, blocked-out kernels for it. A 1x1 conv
//     whose input comes from outside the region and whose output leaves it stays plain (the plain
//     GEMM path is fastest there).
//   - A Reorder node converts at each edge: plain -> region layout before region convs that read a
//     plain value, back to plain for every other reader and for graph outputs. The plain version
//     keeps the value's name; the other is named "<value>/<layout>". Each edge is converted once.
//   - A residual input Z is stored like the conv's output, converted the same way when it is not.
//   - A MaxPool of a region value (without Indices) joins the region (LayoutMaxPool), and a
//     GlobalAveragePool of one reads it in the region layout (LayoutGlobalAveragePool).
//   - With `winograd`, region convs of Winograd's shape (3x3, stride 1, ungrouped) get
//     algorithm "winograd" (oneDNN's Winograd kernels read and write nChw16c).
#include <algorithm>
#include <map>
#include <set>

#include "graph/internal_ops.hpp"
#include "graph/passes/pass_util.hpp"
#include "graph/passes/passes.hpp"

namespace konnx::graph {
namespace {

bool is_pointwise(const Tensor& w) {
    return std::all_of(w.shape().begin() + 2, w.shape().end(), [](int64_t k) { return k == 1; });
}

// Ungrouped or depthwise 2-D conv: the groupings oneDNN runs fast in blocked layouts.
bool blockable(const Graph& g, const Node& n) {
    if (!is_fused_conv(n) && !is_fusable_conv(g, n)) return false;
    const Tensor* w = g.find_initializer(n.inputs[1]);
    if (!w || w->rank() != 4) return false;
    const Attribute* group = n.find_attr("group");
    const int64_t groups = group ? group->i : 1;
    return groups == 1 || (groups == w->shape()[0] && w->shape()[1] == 1);
}

int64_t in_channels(const Graph& g, const Node& n) {
    const Tensor* w = g.find_initializer(n.inputs[1]);
    const Attribute* group = n.find_attr("group");
    return w->shape()[1] * (group ? group->i : 1);
}

Node reorder_node(const std::string& in, const std::string& out, const std::string& from, const std::string& to,
                  int64_t channels) {
    Node n;
    n.op_type = "Reorder";
    n.domain = kInternalDomain;
    n.name = out + "/reorder";
    n.inputs = {in};
    n.outputs = {out};
    n.set_attr("from_layout", Attribute::of_string(from));
    n.set_attr("to_layout", Attribute::of_string(to));
    n.set_attr("channels", Attribute::of_int(channels));
    return n;
}

}  // namespace

bool propagate_layouts(Model& model, const std::string& layout, bool winograd) {
    Graph& g = model.graph;
    if (layout != "NHWC" && layout != "nChw8c" && layout != "nChw16c") return false;
    // Decided already (a model saved after optimization): converting twice would be wrong.
    for (const Node& n : g.nodes)
        if (n.domain == kInternalDomain && (n.op_type == "Reorder" || n.find_attr("y_layout"))) return false;
    const ValueUses uses(g);
    const std::size_t count = g.nodes.size();

    // 1. Which convs join the region.
    std::vector<bool> region(count, false);
    for (std::size_t i = 0; i < count; ++i)
        region[i] = blockable(g, g.nodes[i]);
    const auto region_reads = [&](const std::string& v) {
        auto it = uses.readers.find(v);
        if (it == uses.readers.end()) return false;
        return std::any_of(it->second.begin(), it->second.end(),
                           [&](auto& r) { return region[r.first] && (r.second == 0 || r.second == 3); });
    };
    const auto from_region = [&](const std::string& v) {
        auto p = uses.producer.find(v);
        return p != uses.producer.end() && region[p->second];
    };
    for (std::size_t i = 0; i < count; ++i) {
        const Node& n = g.nodes[i];
        if (region[i] && is_pointwise(*g.find_initializer(n.inputs[1])) && !from_region(n.inputs[0]) &&
            !region_reads(n.outputs[0]))
            region[i] = false;
    }
    if (std::none_of(region.begin(), region.end(), [](bool b) { return b; })) return false;

    // 2. Rewrite: region outputs become "<v>/<layout>"; readers get the layout they need.
    std::map<std::string, int64_t> channels_of;  // values in the region layout and their logical channels
    for (std::size_t i = 0; i < count; ++i) {
        if (!region[i]) continue;
        Node& n = g.nodes[i];
        make_fused_conv(model, n);
        channels_of[n.outputs[0]] = g.find_initializer(n.inputs[1])->shape()[0];
    }
    std::vector<std::vector<Node>> before(count + 1);  // Reorders inserted before node i (count = end)
    std::set<std::string> have_blocked, have_plain;
    const auto blocked_name = [&](const std::string& v) { return v + "/" + layout; };
    // A plain value's copy in the region layout, made right before its first reader in the region.
    const auto need_blocked = [&](const std::string& v, int64_t channels, std::size_t reader) {
        if (channels_of.count(v)) return;  // produced in the region layout
        if (have_blocked.insert(v).second)
            before[reader].push_back(reorder_node(v, blocked_name(v), "NCHW", layout, channels));
    };
    // A region value's plain copy under its own name, made right after its producer.
    const auto need_plain = [&](const std::string& v) {
        if (!have_plain.insert(v).second) return;
        const std::size_t p = uses.producer.at(v);
        before[p + 1].push_back(reorder_node(blocked_name(v), v, layout, "NCHW", channels_of.at(v)));
    };
    for (std::size_t i = 0; i < count; ++i) {
        Node& n = g.nodes[i];
        bool x_blocked = false;
        for (std::size_t s = 0; s < n.inputs.size(); ++s) {
            const std::string v = n.inputs[s];
            if (v.empty()) continue;
            int64_t blocked_channels = 0;  // > 0: this reader takes the value blocked
            if (region[i] && s == 0 && (layout == "NHWC" || in_channels(g, n) > 4))
                blocked_channels = in_channels(g, n);
            if (region[i] && s == 3) blocked_channels = g.find_initializer(n.inputs[1])->shape()[0];
            if (blocked_channels > 0) {
                need_blocked(v, blocked_channels, i);
                n.inputs[s] = blocked_name(v);
                x_blocked = x_blocked || s == 0;
            } else if (channels_of.count(v) && s == 0 && n.op_type == "MaxPool" && is_onnx_domain(n.domain) &&
                       (n.outputs.size() == 1 || n.outputs[1].empty())) {
                const int64_t channels = channels_of.at(v);  // pools in the layout: no Reorder either side
                n.op_type = "LayoutMaxPool";
                n.domain = kInternalDomain;
                n.inputs[s] = blocked_name(v);
                n.outputs.resize(1);
                channels_of[n.outputs[0]] = channels;
                n.outputs[0] = blocked_name(n.outputs[0]);
                n.set_attr("x_layout", Attribute::of_string(layout));
                n.set_attr("y_layout", Attribute::of_string(layout));
                n.set_attr("channels", Attribute::of_int(channels));
            } else if (channels_of.count(v) && n.op_type == "GlobalAveragePool" && is_onnx_domain(n.domain)) {
                n.op_type = "LayoutGlobalAveragePool";  // reads the region's layout: no Reorder back
                n.domain = kInternalDomain;
                n.inputs[s] = blocked_name(v);
                n.set_attr("x_layout", Attribute::of_string(layout));
                n.set_attr("channels", Attribute::of_int(channels_of.at(v)));
            } else if (channels_of.count(v)) {
                need_plain(v);
            }
        }
        if (region[i]) n.set_attr("x_layout", Attribute::of_string(x_blocked ? layout : "NCHW"));
    }
    for (const auto& o : g.outputs)
        if (channels_of.count(o.name)) need_plain(o.name);
    for (std::size_t i = 0; i < count; ++i)
        if (region[i]) {
            Node& n = g.nodes[i];
            n.outputs[0] = blocked_name(n.outputs[0]);
            n.set_attr("y_layout", Attribute::of_string(layout));
            if (winograd && is_winograd_conv(g, n)) n.set_attr("algorithm", Attribute::of_string("winograd"));
        }

    std::vector<Node> nodes;
    nodes.reserve(count + have_blocked.size() + have_plain.size());
    for (std::size_t i = 0; i <= count; ++i) {
        for (auto& r : before[i])
            nodes.push_back(std::move(r));
        if (i < count) nodes.push_back(std::move(g.nodes[i]));
    }
    g.nodes = std::move(nodes);
    if (!model.opset(kInternalDomain)) model.opsets.push_back({kInternalDomain, kInternalOpset});
    return true;
}

}  // namespace konnx::graph
