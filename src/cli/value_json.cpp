// SPDX-License-Identifier: MIT
#include "cli/value_json.hpp"

#include <charconv>
#include <cstdlib>

#include "core/dispatch.hpp"
#include "core/error.hpp"
#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"

namespace konnx::cli {
namespace {

/// Element i of a 1-D tensor as JSON: floats through their shortest decimal, so that 0.1f prints as 0.1.
nlohmann::ordered_json element_json(const Tensor& t, std::size_t i) {
    if (t.dtype() == DType::kString) return string_values(t)[i];
    if (t.dtype() == DType::kFloat32) {
        char buf[32];
        const auto end = std::to_chars(buf, buf + sizeof buf, t.data<float>()[i]).ptr;
        return std::strtod(std::string(buf, end).c_str(), nullptr);
    }
    if (t.dtype() == DType::kBool) return t.data<bool>()[i];
    nlohmann::ordered_json j;
    dispatch_list(NumericTypes{}, t.dtype(), [&]<class T>() { j = t.data<T>()[i]; });
    return j;
}

std::string key_text(const Tensor& keys, std::size_t i) {
    return keys.dtype() == DType::kString ? string_values(keys)[i] : std::to_string(keys.data<int64_t>()[i]);
}

}  // namespace

std::string value_type_name(const Tensor& value) {
    if (value.dtype() == kMapType)
        return cat("map(", dtype_name(map_keys(value).dtype()), ",", dtype_name(map_values(value).dtype()), ")");
    if (value.dtype() == kSequenceType) {
        const auto& items = sequence_items(value);
        return cat("sequence(",
                   items.empty() ? std::string(dtype_name(container_elem_type(value))) : value_type_name(items[0]),
                   ")");
    }
    if (value.dtype() == kOptionalType) {
        const Tensor* inner = optional_value(value);
        return cat("optional(", inner ? value_type_name(*inner) : std::string(dtype_name(container_elem_type(value))),
                   ")");
    }
    return std::string(dtype_name(value.dtype()));
}

bool is_map_value(const Tensor& value) {
    return value.dtype() == kMapType || (value.dtype() == kSequenceType && container_elem_type(value) == kMapType);
}

nlohmann::ordered_json map_json(const Tensor& value) {
    if (value.dtype() == kSequenceType) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const Tensor& item : sequence_items(value))
            list.push_back(map_json(item));
        return list;
    }
    const Tensor& keys = map_keys(value);
    const Tensor& values = map_values(value);
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < static_cast<std::size_t>(keys.numel()); ++i)
        object[key_text(keys, i)] = element_json(values, i);
    return object;
}

}  // namespace konnx::cli
