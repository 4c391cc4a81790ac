// SPDX-License-Identifier: MIT
// The IR: an ONNX graph in plain C++ (ONNX semantics, NCHW), independent of protobuf.
// Values are referred to by name, as in ONNX; "" marks an absent optional input/output.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "konnx/session.hpp"
#include "konnx/tensor.hpp"

namespace konnx::graph {

struct Graph;

struct Attribute {
    enum class Kind { kUndefined, kFloat, kInt, kString, kTensor, kGraph, kFloats, kInts, kStrings, kTensors, kGraphs };
    Kind kind = Kind::kUndefined;
    float f = 0;
    int64_t i = 0;
    std::string s;
    Tensor t;
    std::shared_ptr<Graph> g;
    std::vector<float> floats;
    std::vector<int64_t> ints;
    std::vector<std::string> strings;
    std::vector<Tensor> tensors;
    std::vector<std::shared_ptr<Graph>> graphs;

    static Attribute of_int(int64_t v) {
        Attribute a;
        a.kind = Kind::kInt;
        a.i = v;
        return a;
    }
    static Attribute of_float(float v) {
        Attribute a;
        a.kind = Kind::kFloat;
        a.f = v;
        return a;
    }
    static Attribute of_string(std::string v) {
        Attribute a;
        a.kind = Kind::kString;
        a.s = std::move(v);
        return a;
    }
    static Attribute of_ints(std::vector<int64_t> v) {
        Attribute a;
        a.kind = Kind::kInts;
        a.ints = std::move(v);
        return a;
    }
    static Attribute of_floats(std::vector<float> v) {
        Attribute a;
        a.kind = Kind::kFloats;
        a.floats = std::move(v);
        return a;
    }
    static Attribute of_strings(std::vector<std::string> v) {
        Attribute a;
        a.kind = Kind::kStrings;
        a.strings = std::move(v);
        return a;
    }
    static Attribute of_tensor(Tensor v) {
        Attribute a;
        a.kind = Kind::kTensor;
        a.t = std::move(v);
        return a;
    }
    static Attribute of_graph(std::shared_ptr<Graph> v) {
        Attribute a;
        a.kind = Kind::kGraph;
        a.g = std::move(v);
        return a;
    }
};

const char* attribute_kind_name(Attribute::Kind kind);

struct Node {
    std::string name;
    std::string op_type;
    std::string domain;  ///< "" (or "ai.onnx") for the standard domain
    std::vector<std::string> inputs;
    std::vector<std::string> outputs;
    std::vector<std::pair<std::string, Attribute>> attributes;
    std::string doc_string;

    const Attribute* find_attr(std::string_view attr_name) const;
    Node& set_attr(std::string attr_name, Attribute value);
    /// "node 'conv1' (Conv)" for error messages; falls back to the first output's name.
    std::string describe() const;
};

struct ValueInfo {
    std::string name;
    DType dtype = DType::kUndefined;
    std::vector<Dim> shape;
    bool has_shape = false;
    std::string doc_string;
};

struct Graph {
    std::string name;
    std::vector<ValueInfo> inputs;  ///< may list initializers too (IR < 4 style defaults)
    std::vector<ValueInfo> outputs;
    std::vector<ValueInfo> value_info;
    std::vector<Node> nodes;  ///< in topological order once validated
    std::map<std::string, Tensor> initializers;
    std::string doc_string;

    /// Inputs the caller must feed (those not backed by an initializer).
    std::vector<const ValueInfo*> runtime_inputs() const;
    const Tensor* find_initializer(std::string_view value_name) const;
};

struct OpsetImport {
    std::string domain;
    int64_t version = 0;
};

struct Model {
    int64_t ir_version = 8;
    std::vector<OpsetImport> opsets;
    std::string producer_name, producer_version, domain, doc_string;
    int64_t model_version = 0;
    std::vector<std::pair<std::string, std::string>> metadata;
    Graph graph;

    /// Imported opset of a domain ("" and "ai.onnx" are the same), or nullopt if not imported.
    std::optional<int64_t> opset(std::string_view domain) const;
};

/// True for "" and "ai.onnx".
inline bool is_onnx_domain(std::string_view domain) { return domain.empty() || domain == "ai.onnx"; }

}  // namespace konnx::graph
