// SPDX-License-Identifier: MIT
// konnx run MODEL [--input [NAME=]FILE]... [--output-dir DIR] [--threads N] [--json]
// Inputs: .npy, or the ONNX test layout's .pb (tensor, sequence, optional); sequence outputs are written item by item,
// maps and sequences of maps (ZipMap) as one JSON file each.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/cli.hpp"
#include "cli/model_loader.hpp"
#include "cli/tensor_io.hpp"
#include "cli/value_json.hpp"
#include "core/error.hpp"
#include "core/file.hpp"
#include "core/npy.hpp"
#include "konnx/sequence.hpp"

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

std::vector<std::string> input_names(const Session& session) {
    std::vector<std::string> names;
    for (const auto& in : session.inputs())
        names.push_back(in.name);
    return names;
}

// An output as the values to print and write: a sequence's items as NAME_0, NAME_1, ...; an optional's value
// under its name (none when empty); a tensor, a map or a sequence of maps (ZipMap's rows, one JSON file) as itself.
std::vector<std::pair<std::string, Tensor>> flatten_output(const std::string& name, const Tensor& value) {
    std::vector<std::pair<std::string, Tensor>> out;
    if (value.dtype() == kOptionalType) {
        if (const Tensor* v = optional_value(value)) return flatten_output(name, *v);
    } else if (value.dtype() == kSequenceType && !is_map_value(value)) {
        const auto& items = sequence_items(value);
        for (std::size_t k = 0; k < items.size(); ++k)
            out.emplace_back(cat(name, "_", k), items[k]);
    } else {
        out.emplace_back(name, value);
    }
    return out;
}

// The index of the model input called `name`, or -1.
int input_index(const Session& session, const std::string& name) {
    for (std::size_t i = 0; i < session.inputs().size(); ++i)
        if (session.inputs()[i].name == name) return static_cast<int>(i);
    return -1;
}

// --input NAME=FILE, or a bare FILE (as the ONNX test layout's test_data_set_N/input_K.pb): a bare file feeds the
// input its .pb names, else the first input not yet fed. Each file is read as its input's kind (tensor,
// sequence, optional).
std::vector<std::pair<std::string, Tensor>> read_inputs(const Session& session, const std::vector<std::string>& specs) {
    std::vector<std::pair<std::string, Tensor>> feeds;
    std::vector<bool> fed(session.inputs().size(), false);
    auto take = [&](int index, const std::string& path) {
        const TensorInfo& info = session.inputs()[static_cast<std::size_t>(index)];
        feeds.emplace_back(info.name, read_input_file(path, info.dtype));
        fed[static_cast<std::size_t>(index)] = true;
    };
    for (const auto& spec : specs) {
        const auto eq = spec.find('=');
        const std::string name = eq == std::string::npos ? "" : spec.substr(0, eq);
        if (eq != std::string::npos && input_index(session, name) >= 0) {
            take(input_index(session, name), spec.substr(eq + 1));
            continue;
        }
        if (eq == 0 || (eq != std::string::npos && !std::ifstream(spec).good()))
            fail(ErrorCode::kInvalidArgument, "--input '", spec, "': the model has no input '", name,
                 "' (inputs: ", join(input_names(session)), ")");
        std::string recorded;  // a bare file: the name a TensorProto/SequenceProto/OptionalProto records
        int index = -1;
        try {
            read_input_file(spec, DType::kUndefined, &recorded);
            index = input_index(session, recorded);
        } catch (const Error&) {  // not a TensorProto: a sequence or optional, placed by position
        }
        if (index < 0 || fed[static_cast<std::size_t>(index)]) {
            const auto next = std::find(fed.begin(), fed.end(), false);
            if (next == fed.end())
                fail(ErrorCode::kInvalidArgument, "--input ", spec, ": every input of the model is already fed");
            index = static_cast<int>(next - fed.begin());
        }
        take(index, spec);
    }
    return feeds;
}

}  // namespace

CommandRunner setup_run(CLI::App& app) {
    struct Options {
        std::string model;
        std::vector<std::string> inputs;
        std::string output_dir;
        int threads = 0;
        int opt_level = 2;
        Precision precision = Precision::kFloat32;
        uint64_t seed = 0;
        bool json = false;
    };
    auto opt = std::make_shared<Options>();
    app.add_option("model", opt->model, "Model file (.onnx, or Keras .h5/.keras converted in memory)")->required();
    app.add_option("-i,--input", opt->inputs,
                   "NAME=FILE or FILE: a .npy, or an ONNX TensorProto / SequenceProto / OptionalProto .pb as the "
                   "input's type asks (a bare FILE feeds the input its .pb names, else the next one; repeatable)")
        ->allow_extra_args(false);
    app.add_option("-o,--output-dir", opt->output_dir,
                   "Write each output as DIR/<name>.npy (maps and sequences of maps: DIR/<name>.json)");
    add_threads_option(app, opt->threads);
    add_opt_level_option(app, opt->opt_level);
    add_precision_option(app, opt->precision);
    app.add_option("--seed", opt->seed, "Seed for synthetic inputs");
    app.add_flag("--json", opt->json, "Print one JSON document on stdout");
    app.footer(
        "Examples:\n  konnx run model.onnx --input input=x.npy --output-dir out/\n"
        "  konnx run model.onnx            (seeded random inputs)");

    return [opt]() -> int {
        SessionOptions so;
        so.threads = opt->threads;
        so.optimization_level = opt->opt_level;
        so.precision = opt->precision;
        Session session = open_model(opt->model, so);
        // Checked before any warning or inference (fail fast), but created only once there is something to
        // write: a run that fails on its inputs leaves no empty folder behind.
        if (!opt->output_dir.empty()) check_output_dir_writable(opt->output_dir);

        auto feeds = read_inputs(session, opt->inputs);
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
            const auto parts = flatten_output(session.outputs()[i].name, outputs[i]);
            if (parts.empty() && !opt->json) std::cout << session.outputs()[i].name << "  (empty)\n";
            for (const auto& [name, value] : parts) {
                auto summary = summarize(name, value);
                if (!opt->output_dir.empty()) {
                    // Tensors (strings too) as .npy; maps and sequences of maps (ZipMap) as JSON.
                    const bool json = is_map_value(value);
                    const char* ext = json ? ".json" : ".npy";
                    std::string file = sanitize_filename(name) + ext;
                    for (int k = 1; !used_files.insert(file).second; ++k)
                        file = cat(sanitize_filename(name), "_", k, ext);
                    const std::string path = opt->output_dir + "/" + file;
                    if (json)
                        write_file_atomic(path, map_json(value).dump() + "\n");
                    else
                        write_npy(path, value);
                    summary["file"] = path;
                }
                if (!opt->json) std::cout << summary_line(summary) << "\n";
                report["outputs"].push_back(summary);
            }
        }
        if (opt->json) std::cout << report.dump(2) << "\n";
        return kExitOk;
    };
}

}  // namespace konnx::cli
