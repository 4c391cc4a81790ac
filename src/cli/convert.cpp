// SPDX-License-Identifier: MIT
// konnx convert MODEL [ARCH.json] -o OUT.onnx [--opset N] [--batch-size N] [--input-shape NAME:d0,d1,...]
//               [--inputs-as-nchw NAMES] [--json]
#include <unistd.h>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli.hpp"
#include "core/error.hpp"
#include "konnx/convert.hpp"

namespace konnx::cli {
namespace {

std::vector<int64_t> parse_dims(const std::string& text, const std::string& spec) {
    std::vector<int64_t> dims;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            std::size_t used = 0;
            const long long v = std::stoll(item, &used);
            if (used != item.size() || v < -1) throw std::invalid_argument("bad");
            dims.push_back(v);
        } catch (const std::exception&) {
            fail(ErrorCode::kInvalidArgument, "--input-shape: bad dimension '", item, "' in '", spec, "'");
        }
    }
    if (dims.empty()) fail(ErrorCode::kInvalidArgument, "--input-shape: no dimensions in '", spec, "'");
    return dims;
}

/// One status line on a terminal's stderr while a big model converts: drawn only after 0.3 s (small models
/// convert silently), redrawn at most every 0.1 s, and erased when the conversion ends.
class TerminalProgress {
public:
    void operator()(const ConvertProgress& p) {
        const auto now = std::chrono::steady_clock::now();
        if (now - start_ < std::chrono::milliseconds(300) || now - drawn_ < std::chrono::milliseconds(100)) return;
        drawn_ = now;
        shown_ = true;
        std::cerr << "\r\033[Kkonnx: ";
        if (std::string_view(p.stage) == "read")
            std::cerr << "reading the Keras file";
        else if (std::string_view(p.stage) == "convert")
            std::cerr << "converting layer " << p.done << " of " << p.total;
        else
            std::cerr << "writing " << (p.total > 0 ? 100 * p.done / p.total : 100) << "%";
        std::cerr << std::flush;
    }
    void erase() {
        if (shown_) std::cerr << "\r\033[K" << std::flush;
        shown_ = false;
    }

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), drawn_{};
    bool shown_ = false;
};

}  // namespace

CommandRunner setup_convert(CLI::App& app) {
    struct Options {
        std::string model, arch, output;
        int opset = 15;
        int64_t batch_size = -1;
        std::vector<std::string> input_shapes, nchw;
        bool json = false;
    };
    auto opt = std::make_shared<Options>();
    app.add_option("model", opt->model, "Keras model: .h5, .keras, or an architecture .json")->required();
    app.add_option("weights", opt->arch, "Weights .h5 when MODEL is an architecture JSON (either order)");
    app.add_option("-o,--output", opt->output, "Output .onnx file")->required();
    app.add_option("--opset", opt->opset, "Target ai.onnx opset (13-17)")->check(CLI::Range(13, 17));
    app.add_option("--batch-size", opt->batch_size, "Fix the batch dimension")->check(CLI::Range(1, 1 << 30));
    app.add_option("--input-shape", opt->input_shapes, "NAME:d0,d1,... fixes unknown dims of an input (repeatable)");
    app.add_option("--inputs-as-nchw", opt->nchw, "Inputs to expose channels-first (comma separated)")->delimiter(',');
    app.add_flag("--json", opt->json, "Print the report as JSON on stdout");
    app.footer(
        "Examples:\n  konnx convert model.h5 -o model.onnx\n"
        "  konnx convert arch.json weights.h5 -o model.onnx --batch-size 1\n"
        "  konnx convert model.keras -o model.onnx --inputs-as-nchw input_1");

    return [opt]() -> int {
        ConvertOptions co;
        co.opset = opt->opset;
        co.batch_size = opt->batch_size;
        co.inputs_as_nchw = opt->nchw;
        std::string model = opt->model;
        if (!opt->arch.empty()) {
            // Accept "arch.json weights.h5" and "weights.h5 arch.json".
            const bool first_is_json = ends_with_ci(model, ".json");
            co.weights_path = first_is_json ? opt->arch : model;
            if (!first_is_json) model = opt->arch;
        }
        for (const auto& spec : opt->input_shapes) {
            const auto colon = spec.rfind(':');
            if (colon == std::string::npos || colon == 0)
                fail(ErrorCode::kInvalidArgument, "--input-shape expects NAME:d0,d1,..., got '", spec, "'");
            co.input_shapes[spec.substr(0, colon)] = parse_dims(spec.substr(colon + 1), spec);
        }
        log_info(cat("converting ", model, " -> ", opt->output));
        auto progress = std::make_shared<TerminalProgress>();
        if (!opt->json && verbosity() >= 0 && ::isatty(STDERR_FILENO))
            co.progress = [progress](const ConvertProgress& p) { (*progress)(p); };
        ConvertReport r;
        try {
            r = convert_keras_file(model, opt->output, co);
        } catch (...) {
            progress->erase();  // the error line starts on a clean line
            throw;
        }
        progress->erase();
        if (opt->json) {
            nlohmann::json j;
            j["output"] = opt->output;
            j["keras_version"] = r.keras_version;
            j["backend"] = r.backend;
            j["layers_by_class"] = nlohmann::json::object();
            for (const auto& [k, v] : r.layers_by_class)
                j["layers_by_class"][k] = v;
            j["nodes_by_op"] = nlohmann::json::object();
            for (const auto& [k, v] : r.nodes_by_op)
                j["nodes_by_op"][k] = v;
            j["parameters"] = r.parameters;
            j["transposes_left"] = r.transposes_left;
            j["seconds"] = r.seconds;
            std::cout << j.dump(2) << "\n";
            return kExitOk;
        }
        if (verbosity() < 0) return kExitOk;
        int layers = 0, nodes = 0;
        for (const auto& [k, v] : r.layers_by_class)
            layers += v;
        for (const auto& [k, v] : r.nodes_by_op)
            nodes += v;
        std::cout << "converted " << model << " (Keras " << r.keras_version
                  << (r.backend.empty() ? "" : ", " + r.backend) << ") -> " << opt->output << "\n";
        std::cout << "  layers (" << layers << "):";
        for (const auto& [k, v] : r.layers_by_class)
            std::cout << " " << k << "×" << v;
        std::cout << "\n  ONNX nodes (" << nodes << "):";
        for (const auto& [k, v] : r.nodes_by_op)
            std::cout << " " << k << "×" << v;
        std::cout << "\n  parameters: " << r.parameters << "\n  transposes left: " << r.transposes_left
                  << "\n  time: " << std::fixed << std::setprecision(3) << r.seconds << " s\n";
        return kExitOk;
    };
}

}  // namespace konnx::cli
