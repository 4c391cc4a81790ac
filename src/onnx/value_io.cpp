// SPDX-License-Identifier: MIT
// ONNX SequenceProto / OptionalProto / MapProto files (.pb, as in ONNX's backend test data) -> sequence/optional/map
// Tensors.
#include <onnx/onnx-data_pb.h>

#include <climits>
#include <cstring>

#include "core/error.hpp"
#include "core/file.hpp"
#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"
#include "onnx/model_io.hpp"

namespace konnx::onnxio {
namespace {

Tensor from_tensor_proto(const onnx::TensorProto& proto) {
    const std::string bytes = proto.SerializeAsString();
    return parse_tensor(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

Tensor from_map(const onnx::MapProto& proto);

Tensor from_sequence(const onnx::SequenceProto& proto) {
    std::vector<Tensor> items;
    switch (proto.elem_type()) {
        case onnx::SequenceProto::UNDEFINED:
        case onnx::SequenceProto::TENSOR:
            for (const auto& t : proto.tensor_values())
                items.push_back(from_tensor_proto(t));
            return make_sequence(DType::kUndefined, std::move(items));
        case onnx::SequenceProto::MAP:
            for (const auto& m : proto.map_values())
                items.push_back(from_map(m));
            return make_sequence(kMapType, std::move(items));
        default: fail(ErrorCode::kUnsupported, "sequences of sequences, optionals or sparse tensors are not supported");
    }
}

/// A MapProto's values are a sequence of one-element tensors: one 1-D tensor here.
Tensor map_values_of(const onnx::SequenceProto& proto, int64_t count) {
    if (proto.elem_type() != onnx::SequenceProto::TENSOR || proto.tensor_values_size() != count)
        fail(ErrorCode::kInvalidModel, "a MapProto needs one tensor value per key (", count, " keys, ",
             proto.tensor_values_size(), " values)");
    std::vector<Tensor> items;
    for (const auto& t : proto.tensor_values()) {
        items.push_back(from_tensor_proto(t));
        if (items.back().numel() != 1 || items.back().dtype() != items.front().dtype())
            fail(ErrorCode::kUnsupported, "map values must be scalars of one element type");
    }
    if (items.empty()) return Tensor::empty(DType::kFloat32, {0});
    const DType dtype = items.front().dtype();
    if (dtype == DType::kString) {
        std::vector<std::string> strings;
        for (const Tensor& t : items)
            strings.push_back(string_values(t)[0]);
        return make_string_tensor({count}, std::move(strings));
    }
    Tensor values = Tensor::empty(dtype, {count});
    const std::size_t size = dtype_size(dtype);
    for (std::size_t i = 0; i < items.size(); ++i)
        std::memcpy(static_cast<std::byte*>(values.raw()) + i * size, items[i].raw(), size);
    return values;
}

Tensor from_map(const onnx::MapProto& proto) {
    Tensor keys;
    if (proto.key_type() == onnx::TensorProto::STRING) {
        keys = make_string_tensor({proto.string_keys_size()}, {proto.string_keys().begin(), proto.string_keys().end()});
    } else if (proto.key_type() == onnx::TensorProto::INT64) {
        keys = Tensor::from_vector<int64_t>({proto.keys_size()}, {proto.keys().begin(), proto.keys().end()});
    } else {
        fail(ErrorCode::kUnsupported, "maps with keys of ONNX type ", proto.key_type(),
             " are not supported (int64 or string)");
    }
    Tensor values = map_values_of(proto.values(), keys.dim(0));
    return make_map(std::move(keys), std::move(values));
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
        case onnx::OptionalProto::MAP:
            if (!proto.has_map_value()) return make_optional(kMapType);
            return make_optional(kMapType, from_map(proto.map_value()));
        default: fail(ErrorCode::kUnsupported, "optionals of sparse tensors or optionals are not supported");
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
    if (kind == kMapType) {
        const auto proto = parse_proto<onnx::MapProto>(bytes, "MapProto");
        if (name) *name = proto.name();
        return from_map(proto);
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
