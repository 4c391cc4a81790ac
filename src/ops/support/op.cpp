// SPDX-License-Identifier: MIT
#include "ops/support/op.hpp"

#include <algorithm>
#include <tuple>

namespace konnx::ops {

const ValueFacts& NodeContext::facts(std::size_t i) const {
    if (i >= inputs_.size() || !has_input(i)) fail("input ", i, " is missing");
    return inputs_[i];
}

const Tensor& NodeContext::require_value(std::size_t i) const {
    const Tensor* value = input_value(i);
    if (!value) {
        if (!has_input(i)) fail("input ", i, " is missing");
        throw NeedsValue{};
    }
    return *value;
}

const graph::Attribute* NodeContext::find_of_kind(std::string_view name, graph::Attribute::Kind kind) const {
    const graph::Attribute* a = node_.find_attr(name);
    if (a && a->kind != kind)
        fail("attribute '", name, "' should be of type ", graph::attribute_kind_name(kind), ", not ",
             graph::attribute_kind_name(a->kind));
    return a;
}

const graph::Attribute& NodeContext::attr_of_kind(std::string_view name, graph::Attribute::Kind kind) const {
    const graph::Attribute* a = find_of_kind(name, kind);
    if (!a) fail("required attribute '", name, "' is missing");
    return *a;
}

int64_t NodeContext::attr_int(std::string_view name, int64_t fallback) const {
    const auto* a = find_of_kind(name, graph::Attribute::Kind::kInt);
    return a ? a->i : fallback;
}
int64_t NodeContext::attr_int(std::string_view name) const {
    return attr_of_kind(name, graph::Attribute::Kind::kInt).i;
}
float NodeContext::attr_float(std::string_view name, float fallback) const {
    const auto* a = find_of_kind(name, graph::Attribute::Kind::kFloat);
    return a ? a->f : fallback;
}
std::string NodeContext::attr_string(std::string_view name, std::string fallback) const {
    const auto* a = find_of_kind(name, graph::Attribute::Kind::kString);
    return a ? a->s : fallback;
}
std::vector<int64_t> NodeContext::attr_ints(std::string_view name, std::vector<int64_t> fallback) const {
    const auto* a = find_of_kind(name, graph::Attribute::Kind::kInts);
    return a ? a->ints : fallback;
}
std::vector<float> NodeContext::attr_floats(std::string_view name, std::vector<float> fallback) const {
    const auto* a = find_of_kind(name, graph::Attribute::Kind::kFloats);
    return a ? a->floats : fallback;
}
std::vector<std::string> NodeContext::attr_strings(std::string_view name, std::vector<std::string> fallback) const {
    const auto* a = find_of_kind(name, graph::Attribute::Kind::kStrings);
    return a ? a->strings : fallback;
}
const Tensor* NodeContext::attr_tensor(std::string_view name) const {
    const auto* a = find_of_kind(name, graph::Attribute::Kind::kTensor);
    return a ? &a->t : nullptr;
}
const graph::Graph* NodeContext::attr_graph(std::string_view name) const {
    const auto* a = find_of_kind(name, graph::Attribute::Kind::kGraph);
    return a ? a->g.get() : nullptr;
}

void InferContext::set_output(std::size_t i, DType dtype, Shape shape) {
    if (i >= outputs_.size()) return;  // optional output not requested
    outputs_[i].dtype = dtype;
    outputs_[i].shape = std::move(shape);
}

void InferContext::set_output_value(std::size_t i, Tensor value) {
    if (i >= outputs_.size()) return;
    outputs_[i].dtype = value.dtype();
    outputs_[i].shape = value.shape();
    output_values_[i] = std::move(value);
}

double element_count(const Shape& s, std::size_t from) {
    double n = 1;
    for (std::size_t d = from; d < s.size(); ++d)
        n *= static_cast<double>(std::max<int64_t>(s[d], 0));
    return n;
}

OpCost streaming_cost(const KernelInit& init) {
    double elements = init.num_outputs() > 0 ? element_count(init.output_shape(0)) : 0;
    if (init.has_input(0)) elements += element_count(init.input_shape(0));
    return {0, elements};
}

void OpRegistry::add(const OpDef& def) {
    auto& list = defs_[std::string(def.domain) + "::" + std::string(def.name)];
    list.push_back(def);
    std::sort(list.begin(), list.end(),
              [](const OpDef& a, const OpDef& b) { return a.since_version < b.since_version; });
}

const OpDef* OpRegistry::find(std::string_view domain, std::string_view name, int64_t opset) const {
    if (domain == "ai.onnx") domain = "";
    auto it = defs_.find(std::string(domain) + "::" + std::string(name));
    if (it == defs_.end()) return nullptr;
    const OpDef* best = nullptr;
    for (const auto& def : it->second)
        if (def.since_version <= opset) best = &def;
    return best;
}

std::vector<OpDef> OpRegistry::all() const {
    std::vector<OpDef> out;
    for (const auto& [key, list] : defs_)
        out.push_back(list.front());
    std::sort(out.begin(), out.end(),
              [](const OpDef& a, const OpDef& b) { return std::tie(a.domain, a.name) < std::tie(b.domain, b.name); });
    return out;
}

}  // namespace konnx::ops
