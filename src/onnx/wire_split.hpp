// SPDX-License-Identifier: MIT
// A small protobuf wire-format scan that lets the importer use initializer bytes in place.
// libprotobuf copies every `bytes` field into a std::string, so parsing a 100 MB ResNet copies its
// weights once more; instead the model is split into small pieces protobuf parses (the ModelProto
// without its graph, the GraphProto without its initializers, each initializer without raw_data)
// and the byte range of each raw_data inside the file. Only the wire format is interpreted here;
// anything unusual (a repeated graph field, groups, a bad length) makes split_model() return
// nothing and the caller parses the whole model with protobuf, which reports errors as before.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace konnx::onnxio {

struct SplitInitializer {
    std::string stripped;  ///< TensorProto bytes without field raw_data
    bool has_raw = false;
    std::span<const std::byte> raw;  ///< raw_data inside the input bytes
};

struct SplitModel {
    std::string model;  ///< ModelProto bytes without field graph
    std::string graph;  ///< GraphProto bytes without field initializer
    std::vector<SplitInitializer> initializers;
};

/// Splits a serialized ModelProto; nullopt when the bytes are not simple enough (see above).
std::optional<SplitModel> split_model(std::span<const std::byte> bytes);

}  // namespace konnx::onnxio
