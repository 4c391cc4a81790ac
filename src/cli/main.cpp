// SPDX-License-Identifier: MIT
// konnx command-line tool: convert | run | classify | bench | inspect.
#include <cstdio>
#include <iostream>
#include <map>
#include <new>

#include "cli/cli.hpp"
#include "konnx/version.hpp"

namespace konnx::cli {

int exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument: return kExitDataError;
        case ErrorCode::kInvalidModel: return kExitDataError;
        case ErrorCode::kLimitExceeded: return kExitDataError;
        case ErrorCode::kUnsupported: return kExitUnavailable;
        case ErrorCode::kFileNotFound: return kExitNoInput;
        case ErrorCode::kIo: return kExitIoError;
        case ErrorCode::kCannotCreate: return kExitCannotCreate;
        case ErrorCode::kInternal: return kExitSoftware;
    }
    return kExitSoftware;
}

int& verbosity() {
    static int level = 0;
    return level;
}

void log_info(const std::string& message) {
    if (verbosity() >= 1) std::cerr << "konnx: " << message << "\n";
}

void log_warning(const std::string& message) {
    if (verbosity() >= 0) std::cerr << "konnx: warning: " << message << "\n";
}

}  // namespace konnx::cli

int main(int argc, char** argv) {
    using namespace konnx::cli;
    CLI::App app{"konnx: convert Keras models to ONNX and run ONNX models fast on the CPU"};
    app.require_subcommand(0, 1);
    app.set_version_flag("--version", std::string("konnx ") + konnx::version());
    int verbose = 0;
    bool quiet = false;
    app.add_flag("-v,--verbose", verbose, "More logging on stderr (-vv for debug)");
    app.add_flag("-q,--quiet", quiet, "Only errors on stderr");
    app.footer(
        "Exit codes: 0 ok, 1 check failed, 64 usage, 65 bad data, 66 missing input, 69 unsupported,\n"
        "70 internal error, 73 cannot create output, 74 I/O error.");

    std::map<CLI::App*, CommandRunner> commands;
    CLI::App* convert = app.add_subcommand("convert", "Convert a Keras model (.h5, .keras, .json + weights) to ONNX");
    commands[convert] = setup_convert(*convert);
    CLI::App* run = app.add_subcommand("run", "Run an ONNX (or Keras) model on .npy/.pb inputs");
    commands[run] = setup_run(*run);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "konnx: error: " << e.what() << " (see konnx --help)\n";
        return kExitUsage;
    }
    verbosity() = quiet ? -1 : verbose;
    try {
        for (auto& [sub, runner] : commands)
            if (sub->parsed()) return runner();
        std::cout << app.help();
        return kExitUsage;
    } catch (const konnx::Error& e) {
        std::cerr << "konnx: error: " << e.what() << "\n";
        return exit_code_for(e.code());
    } catch (const std::bad_alloc&) {
        std::cerr << "konnx: error: out of memory\n";
        return kExitSoftware;
    } catch (const std::exception& e) {
        std::cerr << "konnx: error: internal error: " << e.what() << "\n";
        return kExitSoftware;
    }
}
