// SPDX-License-Identifier: MIT
// ONNX SequenceProto / OptionalProto files (.pb, as in ONNX's backend test data) -> sequence/optional Tensors.
#include <onnx/onnx-data_pb.h>

#include <climits>

#include "core/error.hpp"
#include "core/file.hpp"
#include "konnx/sequence.hpp"
#include "onnx/model_io.hpp"

namespace konnx::onnxio {
namespace {

Tensor from_tensor_proto(const onnx::TensorProto& proto) {
    const std::string bytes = proto.SerializeAsString();
    return parse_tensor(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

Tensor from_sequence(const onnx::SequenceProto& proto) {
    if (proto.elem_type() != onnx::SequenceProto::TENSOR && proto.elem_type() != onnx::SequenceProto::UNDEFINED)
        fail(ErrorCode::kUnsupported, "sequences of non-tensor values are not supported");
    std::vector<Tensor> items;
    for (const auto& t : proto.tensor_values())
        items.push_back(from_tensor_proto(t));
    return make_sequence(DType::kUndefined, std::move(items));
}

Tensor from_optional(const onnx::OptionalProto& proto) {
    switch (proto.elem_type()) {
        case onnx::OptionalProto::UNDEFINED: return make_optional(DType::kUndefined);
        case onnx::OptionalProto::TENSOR:
            if (!proto.has_tensor_value()) return make_optional(DType::kUndefined);
            return make_optional(DType::kUndefined, from_tensor_proto(proto.tensor_value()));
        case onnx::OptionalProto::SEQUENCE:
            if (!proto.has_sequence_value()) return make_optional(kSequenceType);
            return make_optional(kSequenceType, from_sequence(proto.sequence_value()));
        default: fail(ErrorCode::kUnsupported, "optionals of maps, sparse tensors or optionals are not supported");
    }
}

template <class Proto>
Proto parse_proto(std::span<const std::byte> bytes, const char* what) {
    Proto proto;
    if (bytes.size() > static_cast<std::size_t>(INT_MAX) ||
        !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        fail(ErrorCode::kInvalidModel, "not a valid ONNX ", what);
    return proto;
}

}  // namespace

Tensor parse_value(std::span<const std::byte> bytes, DType kind, std::string* name) {
    if (kind == kSequenceType) {
        const auto proto = parse_proto<onnx::SequenceProto>(bytes, "SequenceProto");
        if (name) *name = proto.name();
        return from_sequence(proto);
    }
    if (kind == kOptionalType) {
        const auto proto = parse_proto<onnx::OptionalProto>(bytes, "OptionalProto");
        if (name) *name = proto.name();
        return from_optional(proto);
    }
    return parse_tensor(bytes, name);
}

Tensor read_value(const std::string& path, DType kind, std::string* name) {
    const auto bytes = read_file(path);
    try {
        return parse_value(bytes, kind, name);
    } catch (const Error& e) {
        throw Error(e.code(), cat(path, ": ", e.what()));
    }
}

}  // namespace konnx::onnxio
