// SPDX-License-Identifier: MIT
// konnx run MODEL [--input NAME=FILE]... [--output-dir DIR] [--threads N] [--json]
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/cli.hpp"
#include "cli/model_loader.hpp"
#include "cli/tensor_io.hpp"
#include "core/error.hpp"
#include "core/npy.hpp"

namespace konnx::cli {

namespace {

/// Fails unless `dir` is a writable folder or could be created as one (its parent is a writable folder).
void check_output_dir_writable(const std::string& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) fail(ErrorCode::kCannotCreate, "output folder ", dir, " exists and is not a folder");
        if (::access(dir.c_str(), W_OK) != 0) fail(ErrorCode::kCannotCreate, "output folder ", dir, " is not writable");
        return;
    }
    std::string parent = dir;
    while (parent.size() > 1 && parent.back() == '/')
        parent.pop_back();
    const auto slash = parent.rfind('/');
    parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : parent.substr(0, slash));
    if (::stat(parent.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || ::access(parent.c_str(), W_OK) != 0)
        fail(ErrorCode::kCannotCreate, "cannot create output folder ", dir, " (", parent, " is not a writable folder)");
}

}  // namespace

CommandRunner setup_run(CLI::App& app) {
    struct Options {
        std::string model;
        std::vector<std::string> inputs;
        std::string output_dir;
        int threads = 0;
        int opt_level = 2;
        uint64_t seed = 0;
        bool json = false;
    };
    auto opt = std::make_shared<Options>();
    app.add_option("model", opt->model, "Model file (.onnx, or Keras .h5/.keras converted in memory)")->required();
    app.add_option("-i,--input", opt->inputs, "NAME=FILE with FILE a .npy or ONNX TensorProto .pb (repeatable)")
        ->allow_extra_args(false);
    app.add_option("-o,--output-dir", opt->output_dir, "Write each output as DIR/<name>.npy");
    app.add_option("-x,--threads", opt->threads, "Intra-op threads (0 = physical cores)")->check(CLI::Range(0, 1024));
    app.add_option("-O,--opt-level", opt->opt_level, "Optimization level 0-2")->check(CLI::Range(0, 2));
    app.add_option("--seed", opt->seed, "Seed for synthetic inputs");
    app.add_flag("--json", opt->json, "Print one JSON document on stdout");
    app.footer(
        "Examples:\n  konnx run model.onnx --input input=x.npy --output-dir out/\n"
        "  konnx run model.onnx            (seeded random inputs)");

    return [opt]() -> int {
        SessionOptions so;
        so.threads = opt->threads;
        so.optimization_level = opt->opt_level;
        Session session = open_model(opt->model, so);
        // Checked before any warning or inference (fail fast), but created only once there is something to
        // write: a run that fails on its inputs leaves no empty folder behind.
        if (!opt->output_dir.empty()) check_output_dir_writable(opt->output_dir);

        std::vector<std::pair<std::string, Tensor>> feeds;
        for (const auto& spec : opt->inputs) {
            const auto eq = spec.find('=');
            if (eq == std::string::npos || eq == 0)
                fail(ErrorCode::kInvalidArgument, "--input expects NAME=FILE, got '", spec, "'");
            feeds.emplace_back(spec.substr(0, eq), read_tensor_file(spec.substr(eq + 1)));
        }
        uint64_t seed = opt->seed;
        for (const auto& info : session.inputs()) {
            const bool given =
                std::any_of(feeds.begin(), feeds.end(), [&](const auto& f) { return f.first == info.name; });
            if (given) continue;
            log_warning(cat("no data for input '", info.name, "': using seeded random values"));
            feeds.emplace_back(info.name, synthetic_input(info, seed++));
        }

        const auto outputs = session.run(feeds);
        if (!opt->output_dir.empty()) {
            struct stat st {};
            if (::stat(opt->output_dir.c_str(), &st) != 0 && ::mkdir(opt->output_dir.c_str(), 0755) != 0)
                fail(ErrorCode::kCannotCreate, "cannot create output folder ", opt->output_dir);
        }
        nlohmann::json report;
        report["model"] = opt->model;
        report["outputs"] = nlohmann::json::array();
        std::set<std::string> used_files;  // two outputs whose names sanitize alike must not overwrite each other
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            const std::string& name = session.outputs()[i].name;
            auto summary = summarize(name, outputs[i]);
            if (!opt->output_dir.empty()) {
                std::string file = sanitize_filename(name) + ".npy";
                for (int k = 1; !used_files.insert(file).second; ++k)
                    file = cat(sanitize_filename(name), "_", k, ".npy");
                const std::string path = opt->output_dir + "/" + file;
                write_npy(path, outputs[i]);
                summary["file"] = path;
            }
            if (!opt->json) std::cout << summary_line(summary) << "\n";
            report["outputs"].push_back(summary);
        }
        if (opt->json) std::cout << report.dump(2) << "\n";
        return kExitOk;
    };
}

}  // namespace konnx::cli
