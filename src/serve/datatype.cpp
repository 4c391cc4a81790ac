// SPDX-License-Identifier: MIT
#include "serve/datatype.hpp"

#include <array>
#include <cstring>
#include <limits>
#include <utility>

#include "konnx/string_tensor.hpp"
#include "serve/status.hpp"

namespace konnx::serve {

namespace {

constexpr std::array<std::pair<DType, std::string_view>, 14> kNames = {{
    {DType::kBool, "BOOL"},
    {DType::kUInt8, "UINT8"},
    {DType::kUInt16, "UINT16"},
    {DType::kUInt32, "UINT32"},
    {DType::kUInt64, "UINT64"},
    {DType::kInt8, "INT8"},
    {DType::kInt16, "INT16"},
    {DType::kInt32, "INT32"},
    {DType::kInt64, "INT64"},
    {DType::kFloat16, "FP16"},
    {DType::kFloat32, "FP32"},
    {DType::kFloat64, "FP64"},
    {DType::kString, "BYTES"},
    {DType::kBFloat16, "BF16"},
}};

}  // namespace

std::string_view datatype_name(DType dtype) {
    for (const auto& [d, name] : kNames)
        if (d == dtype) return name;
    return "";
}

std::optional<DType> datatype_from_name(std::string_view name) {
    for (const auto& [d, n] : kNames)
        if (n == name) return d;
    return std::nullopt;
}

int64_t checked_element_count(const std::vector<int64_t>& shape, int64_t max_elements, const std::string& what) {
    check_request(shape.size() <= 16, what, ": shape has ", shape.size(), " dimensions (at most 16)");
    int64_t count = 1;
    for (int64_t d : shape) {
        check_request(d >= 0, what, ": shape ", shape_str(shape), " has a negative dimension");
        if (d == 0) return 0;
        check_request(count <= max_elements / d, what, ": shape ", shape_str(shape), " holds more than ", max_elements,
                      " elements");
        count *= d;
    }
    return count;
}

Tensor tensor_from_raw(DType dtype, const Shape& shape, int64_t count, std::string_view bytes, const std::string& what,
                       const char* source) {
    if (dtype != DType::kString) {
        const auto expected = static_cast<std::size_t>(count) * dtype_size(dtype);
        check_request(bytes.size() == expected, what, ": ", source, " is ", bytes.size(), " bytes, shape ",
                      shape_str(shape), " of ", datatype_name(dtype), " needs ", expected);
        Tensor t = Tensor::empty(dtype, shape);
        if (expected) std::memcpy(t.raw(), bytes.data(), expected);
        return t;
    }
    std::vector<std::string> values;
    std::size_t pos = 0;
    for (int64_t i = 0; i < count; ++i) {
        check_request(bytes.size() - pos >= 4, what, ": ", source, " ends inside BYTES element ", i, "'s length");
        uint32_t n;
        std::memcpy(&n, bytes.data() + pos, 4);
        pos += 4;
        check_request(bytes.size() - pos >= n, what, ": BYTES element ", i, " says ", n, " bytes, only ",
                      bytes.size() - pos, " remain in ", source);
        values.emplace_back(bytes.substr(pos, n));
        pos += n;
    }
    check_request(pos == bytes.size(), what, ": ", source, " is ", bytes.size(), " bytes, its ", count,
                  " BYTES elements take ", pos);
    return make_string_tensor(shape, std::move(values));
}

void append_raw(std::string& out, const Tensor& t) {
    if (t.dtype() != DType::kString) {
        out.append(static_cast<const char*>(t.raw()), t.nbytes());
        return;
    }
    for (const std::string& s : string_values(t)) {
        const auto n = static_cast<uint32_t>(s.size());
        out.append(reinterpret_cast<const char*>(&n), 4);
        out += s;
    }
}

Tensor slice_rows(const Tensor& t, int64_t begin, int64_t rows) {
    Shape shape = t.shape();
    if (begin == 0 && rows == shape.at(0)) return t;
    const std::size_t row_bytes = t.nbytes() / static_cast<std::size_t>(shape.at(0));
    shape[0] = rows;
    auto owner = std::make_shared<Tensor>(t);
    auto* data = static_cast<std::byte*>(owner->raw()) + static_cast<std::size_t>(begin) * row_bytes;
    return Tensor::wrap(t.dtype(), std::move(shape), owner, data);
}

Tensor concat_rows(const std::vector<const Tensor*>& parts) {
    Shape shape = parts.at(0)->shape();
    shape[0] = 0;
    for (const Tensor* p : parts)
        shape[0] += p->dim(0);
    Tensor out = Tensor::empty(parts[0]->dtype(), shape);
    auto* dst = static_cast<std::byte*>(out.raw());
    for (const Tensor* p : parts) {
        std::memcpy(dst, p->raw(), p->nbytes());
        dst += p->nbytes();
    }
    return out;
}

}  // namespace konnx::serve
