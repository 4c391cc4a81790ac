// SPDX-License-Identifier: MIT
// Keras -> ONNX entry points. The converter is being built (issue #4); until it lands these
// report that plainly instead of pretending.
#include "konnx/convert.hpp"
#include "core/error.hpp"

namespace konnx {

ConvertResult convert_keras(const std::string& path, const ConvertOptions&) {
    fail(ErrorCode::kUnsupported, path, ": Keras conversion is not available in this build yet");
}

ConvertReport convert_keras_file(const std::string& path, const std::string&, const ConvertOptions& options) {
    return convert_keras(path, options).report;
}

}  // namespace konnx
