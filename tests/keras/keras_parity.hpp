// SPDX-License-Identifier: MIT
// Test helper: converts a Keras file, runs the ONNX in onnxruntime-node and the same Keras model in
// TensorFlow.js (tools/node/keras_parity.mjs), and returns the comparison; check_konnx_engine then runs the
// same ONNX on the same inputs in konnx's own engine and compares it with both.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "konnx/convert.hpp"

namespace konnx::test {

/// "" when node and tools/node/node_modules (onnxruntime-node, @tensorflow/tfjs) are installed, else why not.
/// Only a missing installation counts: a node that is there but fails is a test failure, not a skip.
/// Checked once per process.
std::string parity_unavailable_reason();

/// Batched form: prepare_parity_case converts and writes a case (returns the case file); run_parity_cases
/// runs many cases in one node process and returns each case's JSON in order.
std::string prepare_parity_case(const std::string& path, const std::string& weights, const std::string& work_dir,
                                double atol, double rtol, const ConvertOptions& options, ConvertReport* report);
std::vector<nlohmann::json> run_parity_cases(const std::vector<std::string>& case_files, bool gen = false);

/// One output of konnx's engine held against a reference: |konnx - ref| <= atol + rtol * |ref| everywhere.
struct EngineDiff {
    std::string name;
    bool present = false;  ///< the reference exists (tfjs may be unable to run a model)
    bool pass = false;
    double max_abs_err = 0;
    std::string detail;  ///< shape mismatch or the worst element, for failure messages
};
struct EngineCheck {
    std::string error;  ///< konnx could not load or run the model
    std::vector<EngineDiff> vs_tfjs, vs_ort;
};
struct Tolerance {
    double atol, rtol;
};
/// Runs the case's ONNX in konnx::Session on the case's inputs and compares each output with the tfjs and
/// onnxruntime outputs that keras_parity.mjs saved next to the case (run_parity_cases must have run it).
EngineCheck check_konnx_engine(const std::string& case_file, Tolerance vs_tfjs, Tolerance vs_ort);
/// One line per output for logs: "name: konnx-ort 3.0e-08, konnx-tfjs 1.2e-07".
std::string describe(const EngineCheck& check);
/// Success when konnx ran and every output equals its tfjs reference (all present).
::testing::AssertionResult konnx_matches_tfjs(const EngineCheck& check);

struct ParityResult {
    ConvertReport report;
    nlohmann::json result;  ///< the script's JSON: ort, tfjs, outputs[{name, max_abs_err, pass, ...}]
    EngineCheck konnx;      ///< konnx's engine vs tfjs and onnxruntime, both at (atol, rtol)
};

/// Converts `path` (+ `weights` for an architecture JSON), writes the ONNX, seeded inputs and a tfjs
/// topology + weights dump under `work_dir`, runs the parity script and then konnx's engine.
ParityResult run_keras_parity(const std::string& path, const std::string& weights, const std::string& work_dir,
                              double atol = 1e-4, double rtol = 1e-3, const ConvertOptions& options = {});

}  // namespace konnx::test
