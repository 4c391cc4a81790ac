// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace konnx {
/// The newest ai.onnx opset konnx runs; sessions refuse models that import a newer one.
inline constexpr int64_t kMaxOnnxOpset = 21;
/// "MAJOR.MINOR.PATCH", also written as ONNX producer_version by the converter.
const char* version();
}  // namespace konnx
