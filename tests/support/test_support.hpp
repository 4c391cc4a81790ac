// SPDX-License-Identifier: MIT
// Helpers shared by the tests: paths, building tiny models in IR, comparing tensors.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/ir.hpp"
#include "konnx/session.hpp"

namespace konnx::test {

std::string source_dir();  ///< repository root
std::string binary_dir();  ///< build folder
std::string cli_path();    ///< the built `konnx` binary
/// The project's Python (.venv/bin/python, made by tools/install_deps.sh from the hashed lock): every reference
/// tool the tests call runs in it.
std::string python();
/// ../shared next to the repository, or "" when absent (tests then GTEST_SKIP with a reason).
std::string shared_dir();

/// A single-node model: inputs named x0, x1, ... (shapes fixed), outputs y0, y1, ...
graph::Model single_node_model(const std::string& op_type, const std::vector<Tensor>& inputs, std::size_t num_outputs,
                               std::vector<std::pair<std::string, graph::Attribute>> attributes = {}, int opset = 17);
/// Runs a single-node model at optimization level `level` and returns its outputs.
std::vector<Tensor> run_single_node(const std::string& op_type, const std::vector<Tensor>& inputs,
                                    std::size_t num_outputs,
                                    std::vector<std::pair<std::string, graph::Attribute>> attributes = {},
                                    int opset = 17, int level = 2);
/// Session from an IR model (serialized and parsed back, like a real file).
Session session_from_model(const graph::Model& model, const SessionOptions& options = {});

/// EXPECT-style comparison: same dtype and shape, |a-b| <= atol + rtol*|b| elementwise.
::testing::AssertionResult tensors_close(const Tensor& got, const Tensor& want, double rtol = 1e-5, double atol = 1e-6);

/// Result of running a command: exit status, stdout, stderr.
struct CommandResult {
    int exit_code = -1;
    bool signaled = false;
    std::string out, err;
};
/// Runs argv (no shell) with a time limit in seconds.
CommandResult run_command(const std::vector<std::string>& argv, int timeout_seconds = 120);

}  // namespace konnx::test
