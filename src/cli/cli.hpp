// SPDX-License-Identifier: MIT
// Shared CLI plumbing: exit codes (sysexits.h), logging to stderr, one-line errors.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "konnx/error.hpp"
#include "konnx/session.hpp"

namespace konnx::cli {

// Documented in README.md and docs/ARCHITECTURE.md.
enum ExitCode : int {
    kExitOk = 0,
    kExitCheckFailed = 1,
    kExitUsage = 64,
    kExitDataError = 65,
    kExitNoInput = 66,
    kExitUnavailable = 69,
    kExitSoftware = 70,
    kExitCannotCreate = 73,
    kExitIoError = 74,
};

int exit_code_for(ErrorCode code);

/// Global verbosity: -1 quiet, 0 warnings, 1 info (-v), 2 debug (-vv).
int& verbosity();
void log_info(const std::string& message);
void log_warning(const std::string& message);

/// A bad flag value found after parsing (exit 64, like CLI11's own parse errors).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// "224x224" or "224" (square) -> {224, 224}; UsageError naming `flag` otherwise.
std::pair<int, int> parse_hxw(const std::string& text, const std::string& flag);
/// "1,2.5,3" -> {1, 2.5, 3}; UsageError naming `flag` otherwise.
std::vector<float> parse_floats(const std::string& text, const std::string& flag);

/// Options several commands share, defined once: -x/--threads (intra-op threads, 0 = physical cores) and
/// -O/--opt-level (0-2).
CLI::Option* add_threads_option(CLI::App& app, int& threads);
CLI::Option* add_opt_level_option(CLI::App& app, int& level);
/// --precision fp32|bf16 (SessionOptions::precision).
CLI::Option* add_precision_option(CLI::App& app, Precision& precision);

/// classify / bench / inspect (same shape as setup_run below).
std::function<int()> setup_classify(CLI::App& app);
std::function<int()> setup_bench(CLI::App& app);
std::function<int()> setup_inspect(CLI::App& app);

/// A subcommand: `setup` adds it to the app and returns the function that runs it.
using CommandRunner = std::function<int()>;
CommandRunner setup_run(CLI::App& app);
CommandRunner setup_convert(CLI::App& app);
CommandRunner setup_serve(CLI::App& app);

}  // namespace konnx::cli
