// SPDX-License-Identifier: MIT
#include "cli/model_loader.hpp"

#include "core/strings.hpp"
#include "konnx/convert.hpp"

namespace konnx::cli {

bool is_keras_file(const std::string& path) {
    return ends_with_ci(path, ".h5") || ends_with_ci(path, ".hdf5") || ends_with_ci(path, ".keras") ||
           ends_with_ci(path, ".json");
}

Session open_model(const std::string& path, const SessionOptions& options) {
    if (!is_keras_file(path)) return Session::open(path, options);
    const ConvertResult converted = convert_keras(path);
    return Session::from_bytes(std::as_bytes(std::span(converted.onnx_bytes.data(), converted.onnx_bytes.size())),
                               options);
}

}  // namespace konnx::cli
