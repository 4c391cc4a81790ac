// SPDX-License-Identifier: MIT
#pragma once

namespace konnx {
/// "MAJOR.MINOR.PATCH", also written as ONNX producer_version by the converter.
const char* version();
}  // namespace konnx
