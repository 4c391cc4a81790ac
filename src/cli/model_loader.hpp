// SPDX-License-Identifier: MIT
// Opens any model the CLI accepts: .onnx directly, Keras files through the converter (in memory).
#pragma once

#include <string>

#include "konnx/session.hpp"

namespace konnx::cli {

bool is_keras_file(const std::string& path);
Session open_model(const std::string& path, const SessionOptions& options);

}  // namespace konnx::cli
