// SPDX-License-Identifier: MIT
// Keras -> ONNX conversion (.h5 of Keras 1/2/3, .keras zips, architecture JSON + weights .h5).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace konnx {

/// Where a conversion is, for progress displays: `stage` is "read" (the Keras file), "convert" (layer calls
/// done of all) or "write" (bytes written of about the model's size); `done` never exceeds `total`.
struct ConvertProgress {
    const char* stage;
    int64_t done, total;
};

struct ConvertOptions {
    int opset = 15;                                            ///< target ai.onnx opset, 13..17
    int64_t batch_size = -1;                                   ///< < 0 keeps the batch dimension dynamic
    std::map<std::string, std::vector<int64_t>> input_shapes;  ///< fix unknown dims per input
    std::vector<std::string> inputs_as_nchw;                   ///< these inputs become NCHW
    std::string weights_path;                              ///< weights .h5 when the model file is an architecture JSON
    std::function<void(const ConvertProgress&)> progress;  ///< optional; called on the converting thread
};

struct ConvertReport {
    std::string keras_version, backend;
    std::vector<std::pair<std::string, int>> layers_by_class;
    std::vector<std::pair<std::string, int>> nodes_by_op;
    int64_t parameters = 0;
    int transposes_left = 0;
    double seconds = 0;
};

struct ConvertResult {
    std::string onnx_bytes;  ///< a serialized, checker-valid ONNX ModelProto
    ConvertReport report;
};

/// Converts a Keras file in memory. Throws konnx::Error; kUnsupported lists every unsupported layer.
ConvertResult convert_keras(const std::string& path, const ConvertOptions& options = {});

/// Converts and writes `output_path` atomically (temporary file + rename); never overwrites the input.
ConvertReport convert_keras_file(const std::string& path, const std::string& output_path,
                                 const ConvertOptions& options = {});

}  // namespace konnx
