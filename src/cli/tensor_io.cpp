// SPDX-License-Identifier: MIT
#include "cli/tensor_io.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "cli/value_json.hpp"
#include "core/dispatch.hpp"
#include "core/error.hpp"
#include "core/file.hpp"
#include "core/half.hpp"
#include "core/npy.hpp"
#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"
#include "onnx/model_io.hpp"

namespace konnx::cli {

Tensor read_tensor_file(const std::string& path) { return read_input_file(path, DType::kUndefined); }

Tensor read_input_file(const std::string& path, DType kind, std::string* name) {
    if (is_container(kind)) return onnxio::read_value(path, kind, name);
    const auto bytes = read_file(path);
    // An empty file parses as an empty TensorProto; say what it is instead.
    if (bytes.empty()) fail(ErrorCode::kInvalidModel, path, ": empty file (expected a .npy or a TensorProto .pb)");
    const bool npy = bytes.size() >= 6 && std::equal(bytes.begin(), bytes.begin() + 6, "\x93NUMPY",
                                                     [](std::byte b, char c) { return static_cast<char>(b) == c; });
    try {
        return npy ? parse_npy(bytes) : onnxio::parse_tensor(bytes, name);
    } catch (const Error& e) {
        throw Error(e.code(), cat(path, ": ", e.what()));
    }
}

Tensor synthetic_input(const TensorInfo& info, uint64_t seed, int64_t dynamic_dim) {
    Shape shape;
    for (const Dim& d : info.shape)
        shape.push_back(d.is_fixed() ? d.size : dynamic_dim);
    const DType dtype = info.dtype == DType::kUndefined ? DType::kFloat32 : info.dtype;
    Tensor t = Tensor::empty(dtype, shape);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.f, 1.f);
    std::uniform_int_distribution<int> small(0, 9);
    const int64_t n = t.numel();
    if (dtype == DType::kBool) {
        for (int64_t i = 0; i < n; ++i)
            t.data<bool>()[i] = small(rng) >= 5;
    } else if (dtype == DType::kFloat16) {
        for (int64_t i = 0; i < n; ++i)
            t.data<Float16>()[i] = to_float16(normal(rng));
    } else {
        dispatch_list(NumericTypes{}, dtype, [&]<class T>() {
            for (int64_t i = 0; i < n; ++i)
                t.data<T>()[i] = std::is_floating_point_v<T> ? static_cast<T>(normal(rng)) : static_cast<T>(small(rng));
        });
    }
    return t;
}

nlohmann::json summarize(const std::string& name, const Tensor& t) {
    nlohmann::json j;
    j["name"] = name;
    if (is_container(t.dtype())) {
        // Maps and sequences: their type, item count and (for maps) the first one, e.g. ZipMap's first row.
        j["dtype"] = value_type_name(t);
        j["shape"] = nlohmann::json::array();
        if (t.dtype() == kSequenceType) j["length"] = sequence_items(t).size();
        if (is_map_value(t)) {
            const auto maps = map_json(t);
            const auto& first = t.dtype() == kMapType ? maps : (maps.empty() ? nlohmann::ordered_json() : maps[0]);
            if (!first.is_null()) j["first"] = first.dump();
        }
        return j;
    }
    if (t.dtype() == DType::kString) {
        j["shape"] = t.shape();
        j["dtype"] = "string";
        const auto values = string_values(t);
        if (!values.empty()) j["first"] = nlohmann::json(values[0]).dump();
        return j;
    }
    j["shape"] = t.shape();
    j["dtype"] = std::string(dtype_name(t.dtype()));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
    const int64_t n = t.numel();
    auto visit = [&](double v) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum += v;
    };
    if (t.dtype() == DType::kBool) {
        for (int64_t i = 0; i < n; ++i)
            visit(t.data<bool>()[i]);
    } else if (t.dtype() == DType::kFloat16) {
        for (int64_t i = 0; i < n; ++i)
            visit(to_float(t.data<Float16>()[i]));
    } else if (t.dtype() == DType::kBFloat16) {
        for (int64_t i = 0; i < n; ++i)
            visit(to_float(t.data<BFloat16>()[i]));
    } else {
        dispatch_list(NumericTypes{}, t.dtype(), [&]<class T>() {
            for (int64_t i = 0; i < n; ++i)
                visit(static_cast<double>(t.data<T>()[i]));
        });
    }
    if (n > 0) {
        j["min"] = lo;
        j["max"] = hi;
        j["mean"] = sum / static_cast<double>(n);
    }
    return j;
}

std::string summary_line(const nlohmann::json& s) {
    const std::string dtype = s["dtype"].get<std::string>();
    std::string line = cat(s["name"].get<std::string>(), "  ", dtype);
    if (dtype.find('(') == std::string::npos) line += cat(" ", shape_str(s["shape"].get<std::vector<int64_t>>()));
    if (s.contains("length")) line += cat("  length ", s["length"].get<std::size_t>());
    if (s.contains("first")) line += cat("  first ", s["first"].get<std::string>());
    if (s.contains("min")) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  min %.6g  max %.6g  mean %.6g", s["min"].get<double>(),
                      s["max"].get<double>(), s["mean"].get<double>());
        line += buf;
    }
    return line;
}

std::string sanitize_filename(const std::string& name) {
    std::string out = name;
    for (char& c : out)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
    if (out.empty() || out == "." || out == "..") out = "_" + out;
    if (out.size() > 200) out.resize(200);  // file names stop at 255 bytes; ".npy" and a "_N" suffix still fit
    return out;
}

}  // namespace konnx::cli
