// SPDX-License-Identifier: MIT
// Format reference: numpy/lib/format.py (magic "\x93NUMPY", version, header length, Python dict literal).
// String tensors are numpy's fixed-width unicode arrays ('<U<n>': n UTF-32 code units per element, NUL-padded),
// converted from and to UTF-8; byte strings ('|S<n>') are read as they are.
#include "core/npy.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "konnx/string_tensor.hpp"

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

void append_utf8(std::string& out, uint32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

/// The code points of a UTF-8 string (kInvalidArgument for malformed UTF-8).
std::vector<uint32_t> utf32_of(std::string_view s) {
    std::vector<uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const int extra = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
        if (extra < 0 || s.size() - i <= static_cast<std::size_t>(extra))
            fail(ErrorCode::kInvalidArgument, "string is not valid UTF-8 (byte ", i, ")");
        uint32_t c = extra == 0 ? b : b & (0x3F >> extra);
        for (int k = 1; k <= extra; ++k) {
            const auto cont = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cont >> 6) != 2) fail(ErrorCode::kInvalidArgument, "string is not valid UTF-8 (byte ", i, ")");
            c = (c << 6) | (cont & 0x3F);
        }
        out.push_back(c);
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

/// Element width of a '<U<n>' or '|S<n>' descr (0 when it is neither).
std::size_t string_width(std::string_view descr_text, char kind) {
    const std::string prefix = kind == 'U' ? "'<U" : "'|S";
    if (descr_text.substr(0, 3) != prefix) return 0;
    std::size_t width = 0, i = 3;
    for (; i < descr_text.size() && descr_text[i] >= '0' && descr_text[i] <= '9'; ++i) {
        width = width * 10 + static_cast<std::size_t>(descr_text[i] - '0');
        if (width > (std::size_t{1} << 24)) fail(ErrorCode::kLimitExceeded, ".npy string width too large");
    }
    if (i >= descr_text.size() || descr_text[i] != '\'' || width == 0)
        fail(ErrorCode::kInvalidModel, ".npy string dtype is malformed");
    return width;
}

Tensor parse_strings(std::span<const std::byte> data, const Shape& shape, std::size_t width, bool unicode) {
    const int64_t numel = checked_numel(shape);
    const std::size_t unit = unicode ? 4 : 1;
    if (static_cast<std::size_t>(numel) > data.size() / (width * unit))
        fail(ErrorCode::kInvalidModel, ".npy data is truncated");
    std::vector<std::string> values(static_cast<std::size_t>(numel));
    for (std::size_t e = 0; e < values.size(); ++e) {
        const auto* p = reinterpret_cast<const unsigned char*>(data.data()) + e * width * unit;
        std::string& s = values[e];
        for (std::size_t k = 0; k < width; ++k) {
            if (!unicode) {
                if (p[k] == 0) break;
                s += static_cast<char>(p[k]);
                continue;
            }
            const uint32_t c = p[4 * k] | (p[4 * k + 1] << 8) | (p[4 * k + 2] << 16) | (uint32_t{p[4 * k + 3]} << 24);
            if (c == 0) break;
            if (c > 0x10FFFF || (c >= 0xD800 && c < 0xE000))
                fail(ErrorCode::kInvalidModel, ".npy string holds an invalid code point ", c);
            append_utf8(s, c);
        }
    }
    return make_string_tensor(shape, std::move(values));
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
    const std::size_t unicode_width = string_width(descr_text, 'U'), bytes_width = string_width(descr_text, 'S');
    if (unicode_width || bytes_width) dtype = DType::kString;
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

    const std::size_t data_start = header_start + header_len;
    if (dtype == DType::kString)
        return parse_strings(bytes.subspan(data_start), shape, std::max(unicode_width, bytes_width), unicode_width > 0);
    const int64_t numel = checked_numel(shape);
    const std::size_t nbytes = checked_nbytes(numel, dtype);
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
    std::string descr;
    for (const auto& e : kDescrs)
        if (e.dtype == tensor.dtype()) descr = e.descr;
    std::vector<std::vector<uint32_t>> strings;  // string tensors: UTF-32 elements, padded to the longest
    std::size_t width = 1;
    if (tensor.dtype() == DType::kString) {
        for (const std::string& s : string_values(tensor)) {
            strings.push_back(utf32_of(s));
            width = std::max(width, strings.back().size());
        }
        descr = cat("<U", width);
    }
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
    if (tensor.dtype() != DType::kString) {
        out.append(static_cast<const char*>(tensor.raw()), tensor.nbytes());
        return out;
    }
    for (const auto& s : strings)
        for (std::size_t k = 0; k < width; ++k) {
            const uint32_t c = k < s.size() ? s[k] : 0;
            for (int b = 0; b < 4; ++b)
                out += static_cast<char>((c >> (8 * b)) & 0xFF);
        }
    return out;
}

void write_npy(const std::string& path, const Tensor& tensor) { write_file_atomic(path, encode_npy(tensor)); }

}  // namespace konnx
