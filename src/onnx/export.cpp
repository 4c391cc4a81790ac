// SPDX-License-Identifier: MIT
// IR -> ModelProto (used by the converter to write .onnx and to run onnx::checker).
#include <onnx/onnx_pb.h>

#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"

#include "core/error.hpp"
#include "onnx/model_io.hpp"

namespace konnx::onnxio {
namespace {

void fill_tensor(const Tensor& t, const std::string& name, onnx::TensorProto& proto) {
    proto.set_name(name);
    proto.set_data_type(static_cast<int32_t>(t.dtype()));
    for (int64_t d : t.shape())
        proto.add_dims(d);
    if (t.dtype() == DType::kString) {  // the strings are not in the tensor's bytes
        for (const std::string& s : string_values(t))
            proto.add_string_data(s);
        return;
    }
    if (!dtype_is_known(t.dtype()))
        fail(ErrorCode::kUnsupported, "cannot write a ", dtype_name(t.dtype()), " as a TensorProto");
    proto.set_raw_data(t.raw(), t.nbytes());
}

void fill_value_info(const graph::ValueInfo& info, onnx::ValueInfoProto& proto) {
    proto.set_name(info.name);
    if (!info.doc_string.empty()) proto.set_doc_string(info.doc_string);
    // Sequence/optional values: the IR keeps no element type for them, so they are written untyped.
    if (info.dtype == DType::kUndefined || is_container(info.dtype)) return;
    auto* tt = proto.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(static_cast<int32_t>(info.dtype));
    if (!info.has_shape) return;
    auto* shape = tt->mutable_shape();
    for (const Dim& d : info.shape) {
        auto* dim = shape->add_dim();
        if (d.size >= 0)
            dim->set_dim_value(d.size);
        else if (!d.symbol.empty())
            dim->set_dim_param(d.symbol);
    }
}

void fill_graph(const graph::Graph& g, onnx::GraphProto& proto);

void fill_attribute(const std::string& name, const graph::Attribute& a, onnx::AttributeProto& proto) {
    using K = graph::Attribute::Kind;
    proto.set_name(name);
    switch (a.kind) {
        case K::kFloat:
            proto.set_type(onnx::AttributeProto::FLOAT);
            proto.set_f(a.f);
            break;
        case K::kInt:
            proto.set_type(onnx::AttributeProto::INT);
            proto.set_i(a.i);
            break;
        case K::kString:
            proto.set_type(onnx::AttributeProto::STRING);
            proto.set_s(a.s);
            break;
        case K::kTensor:
            proto.set_type(onnx::AttributeProto::TENSOR);
            fill_tensor(a.t, "", *proto.mutable_t());
            break;
        case K::kGraph:
            proto.set_type(onnx::AttributeProto::GRAPH);
            fill_graph(*a.g, *proto.mutable_g());
            break;
        case K::kFloats:
            proto.set_type(onnx::AttributeProto::FLOATS);
            for (float f : a.floats)
                proto.add_floats(f);
            break;
        case K::kInts:
            proto.set_type(onnx::AttributeProto::INTS);
            for (int64_t i : a.ints)
                proto.add_ints(i);
            break;
        case K::kStrings:
            proto.set_type(onnx::AttributeProto::STRINGS);
            for (const auto& s : a.strings)
                proto.add_strings(s);
            break;
        case K::kTensors:
            proto.set_type(onnx::AttributeProto::TENSORS);
            for (const auto& t : a.tensors)
                fill_tensor(t, "", *proto.add_tensors());
            break;
        case K::kGraphs:
            proto.set_type(onnx::AttributeProto::GRAPHS);
            for (const auto& g : a.graphs)
                fill_graph(*g, *proto.add_graphs());
            break;
        case K::kUndefined: fail(ErrorCode::kInternal, "attribute '", name, "' has no value");
    }
}

void fill_graph(const graph::Graph& g, onnx::GraphProto& proto) {
    proto.set_name(g.name);
    if (!g.doc_string.empty()) proto.set_doc_string(g.doc_string);
    for (const auto& n : g.nodes) {
        auto* node = proto.add_node();
        node->set_name(n.name);
        node->set_op_type(n.op_type);
        if (!n.domain.empty()) node->set_domain(n.domain);
        if (!n.doc_string.empty()) node->set_doc_string(n.doc_string);
        for (const auto& i : n.inputs)
            node->add_input(i);
        for (const auto& o : n.outputs)
            node->add_output(o);
        for (const auto& [name, attr] : n.attributes)
            fill_attribute(name, attr, *node->add_attribute());
    }
    for (const auto& [name, t] : g.initializers)
        fill_tensor(t, name, *proto.add_initializer());
    for (const auto& v : g.inputs)
        fill_value_info(v, *proto.add_input());
    for (const auto& v : g.outputs)
        fill_value_info(v, *proto.add_output());
    for (const auto& v : g.value_info)
        fill_value_info(v, *proto.add_value_info());
}

}  // namespace

std::string serialize_model(const graph::Model& model) {
    onnx::ModelProto proto;
    proto.set_ir_version(model.ir_version);
    proto.set_producer_name(model.producer_name);
    proto.set_producer_version(model.producer_version);
    if (!model.domain.empty()) proto.set_domain(model.domain);
    proto.set_model_version(model.model_version);
    if (!model.doc_string.empty()) proto.set_doc_string(model.doc_string);
    for (const auto& o : model.opsets) {
        auto* op = proto.add_opset_import();
        op->set_domain(o.domain);
        op->set_version(o.version);
    }
    for (const auto& [key, value] : model.metadata) {
        auto* p = proto.add_metadata_props();
        p->set_key(key);
        p->set_value(value);
    }
    fill_graph(model.graph, *proto.mutable_graph());
    std::string out;
    if (!proto.SerializeToString(&out))
        fail(ErrorCode::kLimitExceeded, "model is too large to serialize (over 2 GB needs external data)");
    return out;
}

std::string serialize_tensor(const Tensor& tensor, const std::string& name) {
    onnx::TensorProto proto;
    fill_tensor(tensor, name, proto);
    return proto.SerializeAsString();
}

}  // namespace konnx::onnxio
