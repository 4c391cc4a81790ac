// SPDX-License-Identifier: MIT
#include "serve/http_infer.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/half.hpp"
#include "konnx/string_tensor.hpp"
#include "serve/datatype.hpp"

namespace konnx::serve {

using nlohmann::json;

namespace {

constexpr int kMaxJsonDepth = 64;

/// Refuses deeper nesting than any tensor needs before the parser sees it (a body of a million '[' must not cost
/// a deep recursion anywhere).
void check_depth(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            check_request(++depth <= kMaxJsonDepth, "malformed JSON: nested deeper than ", kMaxJsonDepth, " levels");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

json parse_json(std::string_view text) {
    check_depth(text);
    try {
        return json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
        fail_request(Code::kInvalidArgument, "malformed JSON: ", what);
    }
}

const json* member(const json& object, const char* key) {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

/// Flattens nested "data" arrays in row-major order.
void flatten(const json& v, std::vector<const json*>& out, int depth, std::size_t limit, const std::string& what) {
    if (!v.is_array()) {
        check_request(out.size() < limit, what, ": 'data' holds more elements than its shape");
        out.push_back(&v);
        return;
    }
    check_request(depth < kMaxJsonDepth, what, ": 'data' is nested too deeply");
    for (const json& item : v)
        flatten(item, out, depth + 1, limit, what);
}

template <class T>
T integer_value(const json& v, std::size_t i, const std::string& what, std::string_view datatype) {
    check_request(v.is_number_integer(), what, ": element ", i, " of 'data' is ", v.dump(), ", not an integer (",
                  datatype, ")");
    bool in_range;
    if (v.is_number_unsigned()) {
        in_range = v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
    } else {
        const int64_t x = v.get<int64_t>();
        in_range = x >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
                   (x < 0 || static_cast<uint64_t>(x) <= static_cast<uint64_t>(std::numeric_limits<T>::max()));
    }
    check_request(in_range, what, ": element ", i, " of 'data' (", v.dump(), ") is out of range for ", datatype);
    return v.is_number_unsigned() ? static_cast<T>(v.get<uint64_t>()) : static_cast<T>(v.get<int64_t>());
}

double float_value(const json& v, std::size_t i, const std::string& what, std::string_view datatype) {
    check_request(v.is_number(), what, ": element ", i, " of 'data' is ", v.dump(), ", not a number (", datatype, ")");
    return v.get<double>();
}

template <class T>
void fill_integers(Tensor& t, const std::vector<const json*>& items, const std::string& what, std::string_view dt) {
    T* out = t.data<T>();
    for (std::size_t i = 0; i < items.size(); ++i)
        out[i] = integer_value<T>(*items[i], i, what, dt);
}

Tensor tensor_from_json(DType dtype, const Shape& shape, int64_t count, const json& data, const std::string& what) {
    std::vector<const json*> items;
    items.reserve(static_cast<std::size_t>(std::min<int64_t>(count, 1 << 20)));
    flatten(data, items, 0, static_cast<std::size_t>(count), what);
    check_request(static_cast<int64_t>(items.size()) == count, what, ": 'data' has ", items.size(),
                  " elements, its shape ", shape_str(shape), " needs ", count);
    const std::string_view dt = datatype_name(dtype);
    if (dtype == DType::kString) {
        std::vector<std::string> values;
        for (std::size_t i = 0; i < items.size(); ++i) {
            check_request(items[i]->is_string(), what, ": element ", i, " of 'data' is not a string (BYTES)");
            values.push_back(items[i]->get<std::string>());
        }
        return make_string_tensor(shape, std::move(values));
    }
    Tensor t = Tensor::empty(dtype, shape);
    switch (dtype) {
        case DType::kFloat32:
            for (std::size_t i = 0; i < items.size(); ++i)
                t.data<float>()[i] = static_cast<float>(float_value(*items[i], i, what, dt));
            break;
        case DType::kFloat64:
            for (std::size_t i = 0; i < items.size(); ++i)
                t.data<double>()[i] = float_value(*items[i], i, what, dt);
            break;
        case DType::kFloat16:
            for (std::size_t i = 0; i < items.size(); ++i)
                t.data<Float16>()[i] = to_float16(static_cast<float>(float_value(*items[i], i, what, dt)));
            break;
        case DType::kBFloat16:
            for (std::size_t i = 0; i < items.size(); ++i)
                t.data<BFloat16>()[i] = to_bfloat16(static_cast<float>(float_value(*items[i], i, what, dt)));
            break;
        case DType::kBool:
            for (std::size_t i = 0; i < items.size(); ++i) {
                check_request(items[i]->is_boolean(), what, ": element ", i, " of 'data' is ", items[i]->dump(),
                              ", not true or false (BOOL)");
                t.data<bool>()[i] = items[i]->get<bool>();
            }
            break;
        case DType::kInt8: fill_integers<int8_t>(t, items, what, dt); break;
        case DType::kInt16: fill_integers<int16_t>(t, items, what, dt); break;
        case DType::kInt32: fill_integers<int32_t>(t, items, what, dt); break;
        case DType::kInt64: fill_integers<int64_t>(t, items, what, dt); break;
        case DType::kUInt8: fill_integers<uint8_t>(t, items, what, dt); break;
        case DType::kUInt16: fill_integers<uint16_t>(t, items, what, dt); break;
        case DType::kUInt32: fill_integers<uint32_t>(t, items, what, dt); break;
        case DType::kUInt64: fill_integers<uint64_t>(t, items, what, dt); break;
        default: fail_request(Code::kInvalidArgument, what, ": datatype ", dt, " is not supported");
    }
    return t;
}

std::optional<bool> bool_parameter(const json* params, const char* key, const std::string& what) {
    if (!params) return std::nullopt;
    const json* v = member(*params, key);
    if (!v) return std::nullopt;
    check_request(v->is_boolean(), what, ": parameter '", key, "' must be true or false");
    return v->get<bool>();
}

void reject_shared_memory(const json* params, const std::string& what) {
    if (params && (member(*params, "shared_memory_region") || member(*params, "shared_memory_byte_size")))
        fail_request(Code::kInvalidArgument, what, ": shared memory is not supported by konnx serve");
}

}  // namespace

InferRequest decode_http_infer(std::string_view body, std::optional<std::size_t> header_length) {
    std::string_view header = body;
    if (header_length) {
        check_request(*header_length <= body.size(), "Inference-Header-Content-Length is ", *header_length,
                      " bytes, the body has only ", body.size());
        header = body.substr(0, *header_length);
    }
    const json doc = parse_json(header);
    check_request(doc.is_object(), "the request body must be a JSON object");
    InferRequest req;
    if (const json* id = member(doc, "id")) {
        check_request(id->is_string(), "'id' must be a string");
        req.id = id->get<std::string>();
    }
    if (const json* params = member(doc, "parameters")) {
        check_request(params->is_object(), "'parameters' must be an object");
        req.binary_outputs = bool_parameter(params, "binary_data_output", "request").value_or(false);
        if (const json* t = member(*params, "timeout")) {
            check_request(t->is_number_integer() && t->get<int64_t>() >= 0,
                          "parameter 'timeout' must be a non-negative integer (microseconds)");
            req.timeout_us = t->get<int64_t>();
        }
        if (const json* s = member(*params, "sequence_id"))
            check_request(s->is_null() || (s->is_number() && s->get<double>() == 0) || (s->is_string() && s->empty()),
                          "sequence_id: konnx serve has no sequence batching (models are stateless)");
    }
    const json* inputs = member(doc, "inputs");
    check_request(inputs && inputs->is_array() && !inputs->empty(), "'inputs' must be a non-empty array");
    const std::string_view binary = header_length ? body.substr(*header_length) : std::string_view{};
    std::size_t used = 0;
    for (std::size_t k = 0; k < inputs->size(); ++k) {
        const json& in = (*inputs)[k];
        check_request(in.is_object(), "inputs[", k, "] must be an object");
        const json* name = member(in, "name");
        check_request(name && name->is_string(), "inputs[", k, "] has no 'name' string");
        const std::string what = "input '" + name->get<std::string>() + "'";
        const json* datatype = member(in, "datatype");
        check_request(datatype && datatype->is_string(), what, " has no 'datatype' string");
        const auto dtype = datatype_from_name(datatype->get<std::string>());
        check_request(dtype.has_value(), what, ": unknown datatype '", datatype->get<std::string>(),
                      "' (BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64, BF16, BYTES)");
        const json* shape_json = member(in, "shape");
        check_request(shape_json && shape_json->is_array(), what, " has no 'shape' array");
        Shape shape;
        for (const json& d : *shape_json) {
            check_request(d.is_number_integer(), what, ": 'shape' must hold integers, got ", shape_json->dump());
            shape.push_back(d.get<int64_t>());
        }
        // Nothing is allocated from the shape alone: JSON data is counted against it first, binary data's size
        // compared with it, so the count only needs to be free of overflow here.
        const int64_t count = checked_element_count(shape, std::numeric_limits<int64_t>::max() / 16, what);
        const json* params = member(in, "parameters");
        check_request(!params || params->is_object(), what, ": 'parameters' must be an object");
        reject_shared_memory(params, what);
        const json* size = params ? member(*params, "binary_data_size") : nullptr;
        const json* data = member(in, "data");
        Tensor t;
        if (size) {
            check_request(header_length.has_value(), what,
                          " has binary_data_size but the request has no Inference-Header-Content-Length header");
            check_request(!data, what, " has both 'data' and binary_data_size");
            check_request(size->is_number_unsigned() || (size->is_number_integer() && size->get<int64_t>() >= 0), what,
                          ": binary_data_size must be a non-negative integer");
            const uint64_t n = size->get<uint64_t>();
            check_request(n <= binary.size() - used, what, ": binary_data_size is ", n, " bytes, only ",
                          binary.size() - used, " bytes of binary data remain in the body");
            t = tensor_from_raw(*dtype, shape, count, binary.substr(used, n), what, "binary_data_size");
            used += n;
        } else {
            check_request(data != nullptr, what, " has neither 'data' nor a binary_data_size parameter");
            t = tensor_from_json(*dtype, shape, count, *data, what);
        }
        req.inputs.emplace_back(name->get<std::string>(), std::move(t));
    }
    check_request(used == binary.size(), "the body has ", binary.size() - used,
                  " bytes of binary data after the inputs' binary_data_size values add up to ", used);
    if (const json* outputs = member(doc, "outputs")) {
        check_request(outputs->is_array(), "'outputs' must be an array");
        for (const json& o : *outputs) {
            const json* name = o.is_object() ? member(o, "name") : nullptr;
            check_request(name && name->is_string(), "each requested output needs a 'name' string");
            const std::string what = "output '" + name->get<std::string>() + "'";
            const json* params = member(o, "parameters");
            check_request(!params || params->is_object(), what, ": 'parameters' must be an object");
            reject_shared_memory(params, what);
            if (params)
                if (const json* cc = member(*params, "classification");
                    cc && !(cc->is_number() && cc->get<double>() == 0))
                    fail_request(Code::kInvalidArgument, what, ": the classification extension is not supported");
            req.outputs.push_back({name->get<std::string>(), bool_parameter(params, "binary_data", what)});
        }
    }
    return req;
}

namespace {

template <class T>
json json_numbers(const Tensor& t) {
    json data = json::array();
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i)
        data.push_back(p[i]);
    return data;
}

json json_data(const Tensor& t) {
    switch (t.dtype()) {
        case DType::kFloat32: return json_numbers<float>(t);
        case DType::kFloat64: return json_numbers<double>(t);
        case DType::kInt8: return json_numbers<int8_t>(t);
        case DType::kInt16: return json_numbers<int16_t>(t);
        case DType::kInt32: return json_numbers<int32_t>(t);
        case DType::kInt64: return json_numbers<int64_t>(t);
        case DType::kUInt8: return json_numbers<uint8_t>(t);
        case DType::kUInt16: return json_numbers<uint16_t>(t);
        case DType::kUInt32: return json_numbers<uint32_t>(t);
        case DType::kUInt64: return json_numbers<uint64_t>(t);
        case DType::kBool: return json_numbers<bool>(t);
        case DType::kFloat16: {
            json data = json::array();
            for (int64_t i = 0; i < t.numel(); ++i)
                data.push_back(to_float(t.data<Float16>()[i]));
            return data;
        }
        case DType::kBFloat16: {
            json data = json::array();
            for (int64_t i = 0; i < t.numel(); ++i)
                data.push_back(to_float(t.data<BFloat16>()[i]));
            return data;
        }
        case DType::kString: {
            json data = json::array();
            for (const std::string& s : string_values(t))
                data.push_back(s);
            return data;
        }
        default: return json::array();
    }
}

}  // namespace

HttpBody encode_http_infer(const ModelVersion& model, const ResponseSpec& spec, const InferResult& result) {
    std::vector<std::pair<int, bool>> chosen;  // output index, binary
    if (spec.outputs.empty()) {
        for (std::size_t i = 0; i < model.outputs().size(); ++i)
            chosen.emplace_back(static_cast<int>(i), spec.binary_outputs);
    } else {
        for (const RequestedOutput& o : spec.outputs)
            chosen.emplace_back(model.output_index(o.name), o.binary.value_or(spec.binary_outputs));
    }
    json doc = {{"model_name", model.name()}, {"model_version", model.version()}};
    if (!spec.id.empty()) doc["id"] = spec.id;
    json outputs = json::array();
    std::string binary;
    for (const auto& [index, as_binary] : chosen) {
        const Tensor& t = result.outputs.at(static_cast<std::size_t>(index));
        json o = {{"name", model.outputs()[static_cast<std::size_t>(index)].name},
                  {"datatype", datatype_name(t.dtype())},
                  {"shape", t.shape()}};
        if (as_binary) {
            const std::size_t before = binary.size();
            append_raw(binary, t);
            o["parameters"] = {{"binary_data_size", binary.size() - before}};
        } else {
            o["data"] = json_data(t);
        }
        outputs.push_back(std::move(o));
    }
    doc["outputs"] = std::move(outputs);
    HttpBody body;
    body.bytes = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    const bool any_binary = std::any_of(chosen.begin(), chosen.end(), [](const auto& c) { return c.second; });
    if (any_binary) {
        body.json_length = body.bytes.size();
        body.bytes += binary;
    }
    return body;
}

std::string error_json(const std::string& message) {
    return json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace konnx::serve
