// SPDX-License-Identifier: MIT
// Format reference: numpy/lib/format.py (magic "\x93NUMPY", version, header length, Python dict literal).
#include "core/npy.hpp"

#include <cstring>
#include <string_view>

#include "core/error.hpp"
#include "core/file.hpp"
#include "core/shape.hpp"

namespace konnx {
namespace {

struct DescrEntry {
    std::string_view descr;
    DType dtype;
};
constexpr DescrEntry kDescrs[] = {
    {"<f4", DType::kFloat32}, {"<f8", DType::kFloat64}, {"<f2", DType::kFloat16}, {"<i8", DType::kInt64},
    {"<i4", DType::kInt32},   {"<i2", DType::kInt16},   {"|i1", DType::kInt8},    {"|u1", DType::kUInt8},
    {"<u2", DType::kUInt16},  {"<u4", DType::kUInt32},  {"<u8", DType::kUInt64},  {"|b1", DType::kBool},
};

// Returns the text of the value following 'key': in a numpy header dict.
std::string_view dict_value(std::string_view header, std::string_view key) {
    const std::string quoted = cat("'", key, "'");
    auto pos = header.find(quoted);
    if (pos == std::string_view::npos) fail(ErrorCode::kInvalidModel, "npy header has no '", key, "' entry");
    pos = header.find(':', pos + quoted.size());
    if (pos == std::string_view::npos) fail(ErrorCode::kInvalidModel, "npy header is malformed");
    ++pos;
    while (pos < header.size() && header[pos] == ' ')
        ++pos;
    return header.substr(pos);
}

}  // namespace

Tensor parse_npy(std::span<const std::byte> bytes) {
    auto text = std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (text.size() < 10 || text.substr(0, 6) != "\x93NUMPY")
        fail(ErrorCode::kInvalidModel, "not a .npy file (bad magic)");
    const int major = static_cast<unsigned char>(text[6]);
    std::size_t header_len = 0, header_start = 0;
    if (major == 1) {
        header_len = static_cast<unsigned char>(text[8]) | (static_cast<unsigned char>(text[9]) << 8);
        header_start = 10;
    } else if (major == 2 || major == 3) {
        if (text.size() < 12) fail(ErrorCode::kInvalidModel, ".npy file is truncated");
        for (int i = 3; i >= 0; --i)
            header_len = (header_len << 8) | static_cast<unsigned char>(text[8 + i]);
        header_start = 12;
    } else {
        fail(ErrorCode::kInvalidModel, ".npy format version ", major, " is not supported");
    }
    if (header_len > text.size() - header_start) fail(ErrorCode::kInvalidModel, ".npy header is truncated");
    const std::string_view header = text.substr(header_start, header_len);

    const std::string_view descr_text = dict_value(header, "descr");
    DType dtype = DType::kUndefined;
    for (const auto& e : kDescrs)
        if (descr_text.substr(0, e.descr.size() + 2) == cat("'", e.descr, "'")) dtype = e.dtype;
    if (dtype == DType::kUndefined)
        fail(ErrorCode::kUnsupported, ".npy dtype ", descr_text.substr(0, descr_text.find(',')), " is not supported");
    if (dict_value(header, "fortran_order").substr(0, 4) != "Fals")
        fail(ErrorCode::kUnsupported, ".npy files in Fortran order are not supported");

    std::string_view shape_text = dict_value(header, "shape");
    if (shape_text.empty() || shape_text[0] != '(') fail(ErrorCode::kInvalidModel, ".npy shape is malformed");
    shape_text = shape_text.substr(1, shape_text.find(')') == std::string_view::npos ? 0 : shape_text.find(')') - 1);
    Shape shape;
    int64_t value = -1;
    for (char c : shape_text) {
        if (c >= '0' && c <= '9') {
            if (value > (int64_t{1} << 50)) fail(ErrorCode::kLimitExceeded, ".npy dimension too large");
            value = (value < 0 ? 0 : value * 10) + (c - '0');
        } else if (c == ',') {
            if (value < 0) fail(ErrorCode::kInvalidModel, ".npy shape is malformed");
            shape.push_back(value);
            value = -1;
        } else if (c != ' ' && c != 'L') {
            fail(ErrorCode::kInvalidModel, ".npy shape is malformed");
        }
        if (shape.size() > static_cast<std::size_t>(kMaxRank)) fail(ErrorCode::kLimitExceeded, ".npy rank too large");
    }
    if (value >= 0) shape.push_back(value);

    const int64_t numel = checked_numel(shape);
    const std::size_t nbytes = checked_nbytes(numel, dtype);
    const std::size_t data_start = header_start + header_len;
    if (bytes.size() - data_start < nbytes)
        fail(ErrorCode::kInvalidModel, ".npy data is truncated: need ", nbytes, " bytes, have ",
             bytes.size() - data_start);
    Tensor t = Tensor::empty(dtype, shape);
    if (nbytes) std::memcpy(t.raw(), bytes.data() + data_start, nbytes);
    return t;
}

Tensor read_npy(const std::string& path) {
    const auto bytes = read_file(path);
    try {
        return parse_npy(bytes);
    } catch (const Error& e) {
        throw Error(e.code(), cat(path, ": ", e.what()));
    }
}

std::string encode_npy(const Tensor& tensor) {
    std::string_view descr;
    for (const auto& e : kDescrs)
        if (e.dtype == tensor.dtype()) descr = e.descr;
    if (descr.empty()) fail(ErrorCode::kUnsupported, "cannot write ", dtype_name(tensor.dtype()), " tensors as .npy");
    std::string shape = "(";
    for (int64_t d : tensor.shape())
        shape += cat(d, ", ");
    if (tensor.rank() > 1)
        shape.resize(shape.size() - 1), shape.back() = ')';  // "(2, 3)"
    else if (tensor.rank() == 1)
        shape.pop_back(), shape += ")";  // "(5,)"
    else
        shape += ")";
    std::string header = cat("{'descr': '", descr, "', 'fortran_order': False, 'shape': ", shape, ", }");
    const std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    out += header;
    out.append(static_cast<const char*>(tensor.raw()), tensor.nbytes());
    return out;
}

void write_npy(const std::string& path, const Tensor& tensor) { write_file_atomic(path, encode_npy(tensor)); }

}  // namespace konnx
