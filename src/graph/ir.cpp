// SPDX-License-Identifier: MIT
#include "graph/ir.hpp"

#include "core/strings.hpp"

namespace konnx::graph {

const char* attribute_kind_name(Attribute::Kind kind) {
    switch (kind) {
        case Attribute::Kind::kFloat: return "float";
        case Attribute::Kind::kInt: return "int";
        case Attribute::Kind::kString: return "string";
        case Attribute::Kind::kTensor: return "tensor";
        case Attribute::Kind::kGraph: return "graph";
        case Attribute::Kind::kFloats: return "floats";
        case Attribute::Kind::kInts: return "ints";
        case Attribute::Kind::kStrings: return "strings";
        case Attribute::Kind::kTensors: return "tensors";
        case Attribute::Kind::kGraphs: return "graphs";
        case Attribute::Kind::kUndefined: break;
    }
    return "undefined";
}

const Attribute* Node::find_attr(std::string_view attr_name) const {
    for (const auto& [key, value] : attributes)
        if (key == attr_name) return &value;
    return nullptr;
}

Node& Node::set_attr(std::string attr_name, Attribute value) {
    for (auto& [key, existing] : attributes)
        if (key == attr_name) {
            existing = std::move(value);
            return *this;
        }
    attributes.emplace_back(std::move(attr_name), std::move(value));
    return *this;
}

std::string Node::describe() const {
    std::string label = !name.empty() ? name : (!outputs.empty() ? outputs[0] : std::string("?"));
    return cat("node '", label, "' (", domain.empty() ? "" : domain + ".", op_type, ")");
}

std::vector<const ValueInfo*> Graph::runtime_inputs() const {
    std::vector<const ValueInfo*> result;
    for (const auto& input : inputs)
        if (!initializers.count(input.name)) result.push_back(&input);
    return result;
}

const Tensor* Graph::find_initializer(std::string_view value_name) const {
    auto it = initializers.find(std::string(value_name));
    return it == initializers.end() ? nullptr : &it->second;
}

std::optional<int64_t> Model::opset(std::string_view domain) const {
    for (const auto& o : opsets)
        if (o.domain == domain || (is_onnx_domain(o.domain) && is_onnx_domain(domain))) return o.version;
    return std::nullopt;
}

}  // namespace konnx::graph
