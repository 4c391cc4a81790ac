// SPDX-License-Identifier: MIT
// konnx command-line tool: convert | run | classify | bench | inspect | serve.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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

std::pair<int, int> parse_hxw(const std::string& text, const std::string& flag) {
    auto number = [&](const std::string& part) {
        if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos)
            throw UsageError(flag + " expects HxW (e.g. 224x224) or N, got '" + text + "'");
        const int v = std::stoi(part);
        if (v <= 0 || v > 32768) throw UsageError(flag + " sizes must be in 1..32768, got '" + text + "'");
        return v;
    };
    const auto x = text.find_first_of("xX");
    if (x == std::string::npos) {
        const int v = number(text);
        return {v, v};
    }
    return {number(text.substr(0, x)), number(text.substr(x + 1))};
}

CLI::Option* add_threads_option(CLI::App& app, int& threads) {
    return app.add_option("-x,--threads", threads, "Intra-op threads (0 = physical cores)")->check(CLI::Range(0, 1024));
}

CLI::Option* add_opt_level_option(CLI::App& app, int& level) {
    return app.add_option("-O,--opt-level", level, "Optimization level 0-2")->check(CLI::Range(0, 2));
}

CLI::Option* add_precision_option(CLI::App& app, Precision& precision) {
    const std::map<std::string, Precision> names{{"fp32", Precision::kFloat32}, {"bf16", Precision::kBFloat16}};
    return app
        .add_option("--precision", precision,
                    "Arithmetic of convolutions and matmuls: fp32 (default) or bf16 (needs AVX512_BF16)")
        ->transform(CLI::CheckedTransformer(names, CLI::ignore_case));
}

std::vector<float> parse_floats(const std::string& text, const std::string& flag) {
    std::vector<float> values;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find(',', start), text.size());
        const std::string part = text.substr(start, end - start);
        char* stop = nullptr;
        const float v = std::strtof(part.c_str(), &stop);
        if (part.empty() || stop != part.c_str() + part.size() || !std::isfinite(v))
            throw UsageError(flag + " expects comma-separated numbers, got '" + text + "'");
        values.push_back(v);
        start = end + 1;
    }
    return values;
}

}  // namespace konnx::cli

namespace {

// OpenMP threads that finish a parallel region spin (libgomp: 300k iterations, ~15 ms here) waiting for
// the next one. On a machine whose cores are busy with other work, that spinning takes the CPU from the
// thread doing the real work (2 threads on 2 busy cores: MobileNetV2 cold start 0.3-2.6 s instead of
// 0.1-0.3 s). Never spinning (OMP_WAIT_POLICY=passive) costs a futex wake-up per parallel region instead:
// MobileNetV2 p50 8.5 ms instead of 5.4 ms on 2 idle cores. So the CLI spins briefly, 10k iterations
// (~0.5 ms), then sleeps, unless the user chose a policy (OMP_WAIT_POLICY=passive is best on a machine
// whose cores are shared). libgomp reads the environment once, before main(), hence the re-exec.
void default_omp_wait_policy(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
    if (setenv("GOMP_SPINCOUNT", "10000", 0) != 0) return;
    execv("/proc/self/exe", argv);  // returns only on failure: then run with libgomp's default
}

}  // namespace

int main(int argc, char** argv) {
    default_omp_wait_policy(argv);
    using namespace konnx::cli;
    CLI::App app{"konnx: convert Keras models to ONNX and run ONNX models fast on the CPU"};
    app.require_subcommand(0, 1);
    app.fallthrough();  // -v / -q work after the subcommand too
    app.set_version_flag("--version", std::string("konnx ") + konnx::version());
    int verbose = 0;
    bool quiet = false;
    app.add_flag("-v,--verbose", verbose, "More logging on stderr (-vv for debug)");
    app.add_flag("-q,--quiet", quiet, "Only errors on stderr");
    app.footer(
        "Examples:\n"
        "  konnx classify model.onnx cat.png --labels labels.txt      (top-5, like Keras load_img + predict)\n"
        "  konnx bench model.onnx --runs 100 --json                   (load, first run, p50/p90/p99, throughput)\n"
        "  konnx inspect model.onnx                                   (inputs, outputs, opsets, ops, parameters)\n"
        "  konnx run model.onnx --input input=x.npy --output-dir out/\n"
        "  konnx serve models/ --http-port 8000 --grpc-port 8001           (KServe v2 / Triton protocol server)\n"
        "  konnx COMMAND --help                                       (each command's options and examples)\n"
        "Results go to stdout, logs to stderr (-v more, -q errors only); errors are one line 'konnx: error: ...'.\n"
        "Exit codes: 0 ok, 1 check failed, 64 usage, 65 bad data, 66 missing input, 69 unsupported,\n"
        "70 internal error, 73 cannot create output, 74 I/O error.");

    std::map<CLI::App*, CommandRunner> commands;
    CLI::App* convert = app.add_subcommand("convert", "Convert a Keras model (.h5, .keras, .json + weights) to ONNX");
    commands[convert] = setup_convert(*convert);
    CLI::App* run = app.add_subcommand("run", "Run an ONNX (or Keras) model on .npy/.pb inputs");
    commands[run] = setup_run(*run);
    CLI::App* classify = app.add_subcommand("classify", "Classify images with an image model: top-k labels");
    commands[classify] = setup_classify(*classify);
    CLI::App* bench = app.add_subcommand("bench", "Time model load, first run and steady-state inference");
    commands[bench] = setup_bench(*bench);
    CLI::App* inspect = app.add_subcommand("inspect", "Show a model's inputs, outputs, opsets, ops and parameters");
    commands[inspect] = setup_inspect(*inspect);
    CLI::App* serve = app.add_subcommand("serve", "Serve models over the KServe v2 protocol (HTTP and gRPC)");
    commands[serve] = setup_serve(*serve);

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
    } catch (const UsageError& e) {
        std::cerr << "konnx: error: " << e.what() << " (see konnx --help)\n";
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
