// SPDX-License-Identifier: MIT
// konnx inspect MODEL [--json]: inputs/outputs, IR version, opsets, producer, metadata, op histogram and
// parameters of an ONNX model; Keras files are converted in memory first and the converter's report added.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "cli/model_loader.hpp"
#include "core/error.hpp"
#include "konnx/convert.hpp"
#include "konnx/inspect.hpp"

namespace konnx::cli {

namespace {

std::string dims_text(const TensorInfo& t) {
    if (!t.has_shape) return "(unknown rank)";
    std::vector<std::string> dims;
    for (const Dim& d : t.shape)
        dims.push_back(d.is_fixed() ? std::to_string(d.size) : (d.symbol.empty() ? "?" : d.symbol));
    return "[" + join(dims, ",") + "]";
}

nlohmann::ordered_json tensor_json(const TensorInfo& t) {
    nlohmann::ordered_json j = {{"name", t.name}, {"dtype", std::string(dtype_name(t.dtype))}};
    if (t.has_shape) {
        j["shape"] = nlohmann::ordered_json::array();
        for (const Dim& d : t.shape)
            j["shape"].push_back(d.is_fixed() ? nlohmann::ordered_json(d.size)
                                              : nlohmann::ordered_json(d.symbol.empty() ? "?" : d.symbol));
    } else {
        j["shape"] = nullptr;
    }
    return j;
}

std::string human_bytes(int64_t bytes) {
    char buf[32];
    if (bytes >= (int64_t{1} << 20))
        std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    else if (bytes >= 1024)
        std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
    else
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
    return buf;
}

}  // namespace

CommandRunner setup_inspect(CLI::App& app) {
    struct Options {
        std::string model;
        bool json = false;
    };
    auto opt = std::make_shared<Options>();
    app.add_option("model", opt->model, "Model file (.onnx, or Keras .h5/.keras/.json converted in memory)")
        ->required();
    app.add_flag("--json", opt->json, "Print one JSON document on stdout");
    app.footer(
        "Examples:\n"
        "  konnx inspect model.onnx\n"
        "  konnx inspect model.h5 --json      (Keras: the converted ONNX graph plus the converter's layer report)");

    return [opt]() -> int {
        ModelSummary s;
        nlohmann::ordered_json keras;
        if (is_keras_file(opt->model)) {
            const ConvertResult converted = convert_keras(opt->model);
            s = inspect_model(std::as_bytes(std::span(converted.onnx_bytes.data(), converted.onnx_bytes.size())));
            const ConvertReport& r = converted.report;
            keras = {{"keras_version", r.keras_version},
                     {"backend", r.backend},
                     {"parameters", r.parameters},
                     {"layers_by_class", nlohmann::ordered_json::object()}};
            for (const auto& [cls, n] : r.layers_by_class)
                keras["layers_by_class"][cls] = n;
        } else {
            s = inspect_model(opt->model);
        }

        nlohmann::ordered_json j;
        j["model"] = opt->model;
        j["format"] = keras.is_null() ? "onnx" : "keras";
        j["ir_version"] = s.info.ir_version;
        j["opsets"] = nlohmann::ordered_json::object();
        for (const auto& [domain, v] : s.info.opsets)
            j["opsets"][domain.empty() ? "ai.onnx" : domain] = v;
        j["producer_name"] = s.info.producer_name;
        j["producer_version"] = s.info.producer_version;
        j["graph_name"] = s.info.graph_name;
        j["model_version"] = s.model_version;
        if (!s.domain.empty()) j["domain"] = s.domain;
        if (!s.info.doc_string.empty()) j["doc_string"] = s.info.doc_string;
        j["metadata"] = nlohmann::ordered_json::object();
        for (const auto& [k, v] : s.info.metadata)
            j["metadata"][k] = v;
        j["inputs"] = nlohmann::ordered_json::array();
        for (const auto& t : s.inputs)
            j["inputs"].push_back(tensor_json(t));
        j["outputs"] = nlohmann::ordered_json::array();
        for (const auto& t : s.outputs)
            j["outputs"].push_back(tensor_json(t));
        j["nodes"] = s.nodes;
        j["op_histogram"] = nlohmann::ordered_json::object();
        for (const auto& [op, n] : s.op_histogram)
            j["op_histogram"][op] = n;
        j["initializers"] = s.initializers;
        j["parameter_count"] = s.parameter_count;
        j["parameter_bytes"] = s.parameter_bytes;
        j["runs_on_konnx"] = s.unsupported.empty();
        if (!s.unsupported.empty()) j["unsupported"] = s.unsupported;
        if (!keras.is_null()) j["keras"] = keras;

        if (opt->json) {
            std::cout << j.dump(2) << "\n";
            return kExitOk;
        }
        std::string text =
            cat("model        ", opt->model, keras.is_null() ? "" : " (Keras, converted in memory)", "\n");
        std::vector<std::string> opsets;
        for (const auto& [domain, v] : s.info.opsets)
            opsets.push_back(cat(domain.empty() ? "ai.onnx" : domain, " ", v));
        text += cat("format       ONNX IR ", s.info.ir_version, ", opset ", join(opsets), "\n");
        if (!s.info.producer_name.empty() || !s.info.producer_version.empty())
            text += cat("producer     ", s.info.producer_name,
                        s.info.producer_version.empty() ? "" : " " + s.info.producer_version, "\n");
        if (!s.info.graph_name.empty()) text += cat("graph        ", s.info.graph_name, "\n");
        for (const auto& [k, v] : s.info.metadata)
            text += cat("metadata     ", k, " = ", v, "\n");
        if (!keras.is_null()) {
            const auto& r = keras;
            const std::string backend = r["backend"].get<std::string>();
            text +=
                cat("keras        ", r["keras_version"].get<std::string>(), backend.empty() ? "" : " (" + backend + ")",
                    ", ", r["parameters"].get<int64_t>(), " parameters\n");
            for (const auto& [cls, n] : r["layers_by_class"].items())
                text += cat("  layer      ", cls, " x", n.get<int>(), "\n");
        }
        for (const auto& t : s.inputs)
            text += cat("input        ", t.name, "  ", dtype_name(t.dtype), " ", dims_text(t), "\n");
        for (const auto& t : s.outputs)
            text += cat("output       ", t.name, "  ", dtype_name(t.dtype), " ", dims_text(t), "\n");
        text += cat("parameters   ", s.parameter_count, " (", human_bytes(s.parameter_bytes), " in ", s.initializers,
                    " initializers)\n");
        text += cat("nodes        ", s.nodes, "\n");
        for (const auto& [op, n] : s.op_histogram) {
            char line[160];
            std::snprintf(line, sizeof line, "  %-24s %lld\n", op.c_str(), static_cast<long long>(n));
            text += line;
        }
        text += s.unsupported.empty() ? "runs on konnx yes\n" : cat("runs on konnx no: ", s.unsupported, "\n");
        std::cout << text;
        return kExitOk;
    };
}

}  // namespace konnx::cli
