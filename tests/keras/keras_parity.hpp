// SPDX-License-Identifier: MIT
// Test helper: converts a Keras file, runs the ONNX in onnxruntime-node and the same Keras model in
// TensorFlow.js (tools/node/keras_parity.mjs), and returns the comparison.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "konnx/convert.hpp"

namespace konnx::test {

/// "" when node and tools/node/node_modules (onnxruntime-node, @tensorflow/tfjs) are usable, else why not.
std::string parity_unavailable_reason();

struct ParityResult {
    ConvertReport report;
    nlohmann::json result;  ///< the script's JSON: ort, tfjs, outputs[{name, max_abs_err, pass, ...}]
};

/// Converts `path` (+ `weights` for an architecture JSON), writes the ONNX, seeded inputs and a tfjs
/// topology + weights dump under `work_dir`, and runs the parity script.
ParityResult run_keras_parity(const std::string& path, const std::string& weights, const std::string& work_dir,
                              double atol = 1e-4, double rtol = 1e-3, const ConvertOptions& options = {});

/// Batched form: prepare_parity_case converts and writes a case (returns the case file); run_parity_cases
/// runs many cases in one node process and returns each case's JSON in order.
std::string prepare_parity_case(const std::string& path, const std::string& weights, const std::string& work_dir,
                                double atol, double rtol, const ConvertOptions& options, ConvertReport* report);
std::vector<nlohmann::json> run_parity_cases(const std::vector<std::string>& case_files, bool gen = false);

}  // namespace konnx::test
