// SPDX-License-Identifier: MIT
#include "serve/grpc_infer.hpp"

#include <cstring>
#include <limits>

#include "konnx/string_tensor.hpp"
#include "serve/datatype.hpp"

namespace konnx::serve {

namespace {

using inference::InferTensorContents;
using inference::ModelInferRequest;

/// Copies `values` into a new tensor of T, checking that each value fits (int_contents carries INT8/16/32).
template <class T, class Values>
Tensor from_values(const Values& values, const Shape& shape, int64_t count, const std::string& what,
                   const char* field) {
    check_request(static_cast<int64_t>(values.size()) == count, what, ": ", field, " has ", values.size(),
                  " values, shape ", shape_str(shape), " needs ", count);
    Tensor t = Tensor::empty(dtype_of<T>(), shape);
    T* out = t.data<T>();
    for (int i = 0; i < values.size(); ++i) {
        const auto v = values.Get(i);
        if constexpr (!std::is_same_v<T, bool> && !std::is_floating_point_v<T> && sizeof(T) < sizeof(v))
            check_request(v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max(), what, ": ", field,
                          "[", i, "] = ", v, " is out of range for ", datatype_name(dtype_of<T>()));
        out[i] = static_cast<T>(v);
    }
    return t;
}

Tensor from_contents(DType dtype, const Shape& shape, int64_t count, const InferTensorContents& c,
                     const std::string& what) {
    switch (dtype) {
        case DType::kBool: return from_values<bool>(c.bool_contents(), shape, count, what, "bool_contents");
        case DType::kInt8: return from_values<int8_t>(c.int_contents(), shape, count, what, "int_contents");
        case DType::kInt16: return from_values<int16_t>(c.int_contents(), shape, count, what, "int_contents");
        case DType::kInt32: return from_values<int32_t>(c.int_contents(), shape, count, what, "int_contents");
        case DType::kInt64: return from_values<int64_t>(c.int64_contents(), shape, count, what, "int64_contents");
        case DType::kUInt8: return from_values<uint8_t>(c.uint_contents(), shape, count, what, "uint_contents");
        case DType::kUInt16: return from_values<uint16_t>(c.uint_contents(), shape, count, what, "uint_contents");
        case DType::kUInt32: return from_values<uint32_t>(c.uint_contents(), shape, count, what, "uint_contents");
        case DType::kUInt64: return from_values<uint64_t>(c.uint64_contents(), shape, count, what, "uint64_contents");
        case DType::kFloat32: return from_values<float>(c.fp32_contents(), shape, count, what, "fp32_contents");
        case DType::kFloat64: return from_values<double>(c.fp64_contents(), shape, count, what, "fp64_contents");
        case DType::kString: {
            check_request(c.bytes_contents_size() == count, what, ": bytes_contents has ", c.bytes_contents_size(),
                          " values, shape ", shape_str(shape), " needs ", count);
            return make_string_tensor(shape, {c.bytes_contents().begin(), c.bytes_contents().end()});
        }
        default:
            fail_request(Code::kInvalidArgument, what, ": ", datatype_name(dtype),
                         " tensors must be sent in raw_input_contents (the protocol has no typed field for them)");
    }
}

bool has_contents(const InferTensorContents& c) {
    return c.bool_contents_size() || c.int_contents_size() || c.int64_contents_size() || c.uint_contents_size() ||
           c.uint64_contents_size() || c.fp32_contents_size() || c.fp64_contents_size() || c.bytes_contents_size();
}

template <class Map>
void reject_shared_memory(const Map& params, const std::string& what) {
    check_request(!params.contains("shared_memory_region") && !params.contains("shared_memory_byte_size"), what,
                  ": shared memory is not supported by konnx serve");
}

}  // namespace

InferRequest decode_grpc_infer(const ModelInferRequest& request) {
    InferRequest req;
    req.id = request.id();
    const auto& params = request.parameters();
    if (auto it = params.find("timeout"); it != params.end()) {
        check_request(it->second.parameter_choice_case() == inference::InferParameter::kInt64Param &&
                          it->second.int64_param() >= 0,
                      "parameter 'timeout' must be a non-negative int64 (microseconds)");
        req.timeout_us = it->second.int64_param();
    }
    if (auto it = params.find("sequence_id"); it != params.end())
        check_request((it->second.has_int64_param() && it->second.int64_param() == 0) ||
                          (it->second.has_string_param() && it->second.string_param().empty()),
                      "sequence_id: konnx serve has no sequence batching (models are stateless)");
    check_request(request.inputs_size() > 0, "the request has no inputs");
    const bool raw = request.raw_input_contents_size() > 0;
    check_request(!raw || request.raw_input_contents_size() == request.inputs_size(), "raw_input_contents has ",
                  request.raw_input_contents_size(), " entries for ", request.inputs_size(), " inputs");
    for (int k = 0; k < request.inputs_size(); ++k) {
        const auto& in = request.inputs(k);
        const std::string what = "input '" + in.name() + "'";
        check_request(!in.name().empty(), "inputs[", k, "] has no name");
        const auto dtype = datatype_from_name(in.datatype());
        check_request(dtype.has_value(), what, ": unknown datatype '", in.datatype(),
                      "' (BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64, BF16, BYTES)");
        reject_shared_memory(in.parameters(), what);
        const Shape shape(in.shape().begin(), in.shape().end());
        const int64_t count = checked_element_count(shape, std::numeric_limits<int64_t>::max() / 16, what);
        if (raw) {
            check_request(!has_contents(in.contents()), what, ": give 'contents' or raw_input_contents, not both");
            req.inputs.emplace_back(in.name(), tensor_from_raw(*dtype, shape, count, request.raw_input_contents(k),
                                                               what, "raw_input_contents"));
        } else {
            req.inputs.emplace_back(in.name(), from_contents(*dtype, shape, count, in.contents(), what));
        }
    }
    for (const auto& o : request.outputs()) {
        const std::string what = "output '" + o.name() + "'";
        reject_shared_memory(o.parameters(), what);
        if (auto it = o.parameters().find("classification");
            it != o.parameters().end() && it->second.int64_param() != 0)
            fail_request(Code::kInvalidArgument, what, ": the classification extension is not supported");
        req.outputs.push_back({o.name(), std::nullopt});
    }
    return req;
}

void encode_grpc_infer(const ModelVersion& model, const ResponseSpec& spec, const InferResult& result,
                       inference::ModelInferResponse& response) {
    response.set_model_name(model.name());
    response.set_model_version(model.version());
    response.set_id(spec.id);
    std::vector<int> chosen;
    if (spec.outputs.empty()) {
        for (std::size_t i = 0; i < model.outputs().size(); ++i)
            chosen.push_back(static_cast<int>(i));
    } else {
        for (const RequestedOutput& o : spec.outputs)
            chosen.push_back(model.output_index(o.name));
    }
    for (int index : chosen) {
        const Tensor& t = result.outputs.at(static_cast<std::size_t>(index));
        auto* out = response.add_outputs();
        out->set_name(model.outputs()[static_cast<std::size_t>(index)].name);
        out->set_datatype(std::string(datatype_name(t.dtype())));
        for (int64_t d : t.shape())
            out->add_shape(d);
        append_raw(*response.add_raw_output_contents(), t);
    }
}

}  // namespace konnx::serve
