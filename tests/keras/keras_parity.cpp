// SPDX-License-Identifier: MIT
#include "keras/keras_parity.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "core/file.hpp"
#include "core/npy.hpp"
#include "core/strings.hpp"
#include "keras/model.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

using keras::json;
namespace fs = std::filesystem;

bool droppable_key(const std::string& k) {
    static const std::set<std::string> exact = {"init",   "inner_init",      "batch_shape", "build_config",
                                                "module", "registered_name", "seed",        "input_dtype"};
    if (exact.count(k)) return true;
    for (const char* suffix : {"_initializer", "_regularizer", "_constraint"})
        if (k.size() > std::string(suffix).size() && k.ends_with(suffix)) return true;
    return k.starts_with("W_") || k.starts_with("b_") || k.starts_with("U_");
}

json clean_config(const json& c) {
    json out = json::object();
    for (const auto& [k, v] : c.items()) {
        if (droppable_key(k)) continue;
        if (k == "layer" && v.is_object()) {
            out[k] = {{"class_name", v.value("class_name", "")},
                      {"config", clean_config(v.value("config", json::object()))}};
            continue;
        }
        out[k] = v;
    }
    if (out.contains("dtype") && !out["dtype"].is_string()) out["dtype"] = "float32";
    return out;
}

json topology(const keras::KerasModel& m) {
    json layers = json::array();
    for (const auto& l : m.layers) {
        json lj;
        lj["name"] = l.name;
        if (l.nested) {
            json sub = topology(*l.nested);
            lj["class_name"] = "Model";
            lj["config"] = sub["config"];
        } else {
            lj["class_name"] = l.class_name;
            lj["config"] = clean_config(l.config);
            lj["config"]["name"] = l.name;
            if (l.class_name == "InputLayer") {
                lj["config"]["batch_input_shape"] = l.config["batch_shape"];
                lj["config"]["dtype"] = "float32";
            } else {
                lj["config"].erase("batch_input_shape");
            }
        }
        json nodes = json::array();
        for (const auto& n : l.inbound_nodes) {
            json node = json::array();
            for (const auto& r : n.inputs)
                node.push_back({r.layer, r.node_index, r.tensor_index, json::object()});
            for (const auto& [k, rs] : n.tensors)
                for (const auto& r : rs)
                    node.push_back({r.layer, r.node_index, r.tensor_index, json::object()});
            nodes.push_back(node);
        }
        lj["inbound_nodes"] = nodes;
        layers.push_back(lj);
    }
    json ins = json::array(), outs = json::array();
    for (const auto& r : m.inputs)
        ins.push_back({r.layer, r.node_index, r.tensor_index});
    for (const auto& r : m.outputs)
        outs.push_back({r.layer, r.node_index, r.tensor_index});
    return {{"class_name", "Model"},
            {"config",
             {{"name", m.name.empty() ? "model" : m.name},
              {"layers", layers},
              {"input_layers", ins},
              {"output_layers", outs}}},
            {"keras_version", m.keras_version},
            {"backend", "tensorflow"}};
}

void dump_weights(const keras::KerasModel& m, std::ofstream& bin, json& manifest) {
    for (const auto& l : m.layers) {
        if (l.nested) {
            dump_weights(*l.nested, bin, manifest);
            continue;
        }
        if (l.weights.empty()) continue;
        json shapes = json::array();
        for (const auto& w : l.weights) {
            shapes.push_back(w.shape());
            bin.write(static_cast<const char*>(w.raw()), static_cast<std::streamsize>(w.nbytes()));
        }
        manifest.push_back({{"layer", l.name}, {"shapes", shapes}});
    }
}

/// input_dim of an Embedding fed by input `name` (0 when none).
int64_t embedding_range(const keras::KerasModel& m, const std::string& name) {
    for (const auto& l : m.layers)
        if (l.class_name == "Embedding" || l.class_name == "CategoryEncoding")
            for (const auto& n : l.inbound_nodes)
                for (const auto& r : n.inputs)
                    if (r.layer == name)
                        return l.config.value(l.class_name == "Embedding" ? "input_dim" : "num_tokens", int64_t{0});
    // Through pass-through activations (the tests put one before CategoryEncoding).
    for (const auto& l : m.layers)
        if (l.class_name == "Activation")
            for (const auto& n : l.inbound_nodes)
                for (const auto& r : n.inputs)
                    if (r.layer == name)
                        if (int64_t v = embedding_range(m, l.name); v > 0) return v;
    return 0;
}

}  // namespace

std::string parity_unavailable_reason() {
    // Only what is missing for good skips; `node --version` used to be run here with a time limit, and on a
    // loaded machine (ctest -j) a slow start turned into a silent skip.
    static const std::string reason = [] {
        const fs::path nm = fs::path(source_dir()) / "tools" / "node" / "node_modules";
        if (!fs::exists(nm / "onnxruntime-node") || !fs::exists(nm / "@tensorflow" / "tfjs"))
            return std::string(
                "tools/node/node_modules lacks onnxruntime-node or @tensorflow/tfjs (npm ci in tools/node, or "
                "link an existing node_modules)");
        const char* path = std::getenv("PATH");
        std::istringstream dirs(path ? path : "");
        for (std::string d; std::getline(dirs, d, ':');)
            if (!d.empty() && access((fs::path(d) / "node").c_str(), X_OK) == 0) return std::string();
        return std::string("node is not installed (not on PATH)");
    }();
    return reason;
}

std::string prepare_parity_case(const std::string& path, const std::string& weights, const std::string& work_dir,
                                double atol, double rtol, const ConvertOptions& options, ConvertReport* report) {
    fs::create_directories(work_dir);
    ConvertOptions opt = options;
    opt.weights_path = weights;
    const std::string onnx_path = work_dir + "/model.onnx";
    ConvertReport rep = convert_keras_file(path, onnx_path, opt);
    if (report) *report = rep;
    const keras::KerasModel m = keras::read_keras_model(path, weights);

    json spec;
    spec["onnx"] = onnx_path;
    spec["atol"] = atol;
    spec["rtol"] = rtol;
    spec["topology"] = topology(m);
    spec["weights_bin"] = work_dir + "/weights.bin";
    spec["out_dir"] = work_dir;
    for (const auto& e : fs::directory_iterator(work_dir)) {  // outputs of an earlier run must not be read
        const std::string f = e.path().filename().string();
        if (f.ends_with(".npy") && (f.starts_with("ort_") || f.starts_with("tfjs_"))) fs::remove(e.path());
    }
    json manifest = json::array();
    {
        std::ofstream bin(work_dir + "/weights.bin", std::ios::binary);
        dump_weights(m, bin, manifest);
    }
    spec["weights"] = manifest;
    std::mt19937 rng(1234);
    json inputs = json::array();
    for (const auto& r : m.inputs) {
        const keras::Layer* l = m.find(r.layer);
        Shape shape;
        for (const auto& d : l->config["batch_shape"])
            shape.push_back(d.is_number_integer() ? d.get<int64_t>() : -1);
        if (shape[0] < 0) shape[0] = options.batch_size > 0 ? options.batch_size : 2;
        for (std::size_t i = 0; i < shape.size(); ++i) {
            if (shape[i] >= 0) continue;
            auto it = options.input_shapes.find(r.layer);
            shape[i] = it != options.input_shapes.end() && i < it->second.size() + 1 ? it->second[i - 1] : 5;
        }
        Tensor t = Tensor::empty(DType::kFloat32, shape);
        const int64_t range = embedding_range(m, r.layer);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        std::uniform_int_distribution<int64_t> ui(0, std::max<int64_t>(0, range - 1));
        for (auto& v : t.span<float>())
            v = range > 0 ? static_cast<float>(ui(rng)) : u(rng);
        const std::string file = work_dir + "/input_" + r.layer + ".npy";
        write_npy(file, t);
        inputs.push_back({{"name", r.layer}, {"file", file}});
    }
    spec["inputs"] = inputs;
    std::ofstream(work_dir + "/case.json") << spec.dump();
    return work_dir + "/case.json";
}

std::vector<json> run_parity_cases(const std::vector<std::string>& case_files, bool gen) {
    std::vector<std::string> argv = {"/usr/bin/env", "node", source_dir() + "/tools/node/keras_parity.mjs"};
    if (gen) argv.push_back("--gen");
    argv.insert(argv.end(), case_files.begin(), case_files.end());
    auto res = run_command(argv, 900);
    std::vector<json> out;
    std::istringstream lines(res.out);
    std::string line;
    while (std::getline(lines, line)) {
        try {
            out.push_back(json::parse(line));
        } catch (const std::exception&) {
        }
    }
    if (out.size() != case_files.size())
        out.assign(case_files.size(),
                   json{{"error", "node failed: " + res.out.substr(0, 300) + res.err.substr(0, 300)}});
    return out;
}

ParityResult run_keras_parity(const std::string& path, const std::string& weights, const std::string& work_dir,
                              double atol, double rtol, const ConvertOptions& options) {
    ParityResult pr;
    const std::string c = prepare_parity_case(path, weights, work_dir, atol, rtol, options, &pr.report);
    pr.result = run_parity_cases({c})[0];
    pr.konnx = check_konnx_engine(c, {atol, rtol}, {atol, rtol});
    return pr;
}

namespace {

EngineDiff compare_with(const Tensor& got, const std::string& ref_file, const std::string& name, Tolerance tol) {
    EngineDiff d;
    d.name = name;
    if (!fs::exists(ref_file)) return d;
    d.present = true;
    const Tensor want = read_npy(ref_file);
    if (got.dtype() != DType::kFloat32 || got.numel() != want.numel()) {
        d.detail = cat("konnx gave ", dtype_name(got.dtype()), " ", shape_str(got.shape()), ", reference ",
                       shape_str(want.shape()));
        return d;
    }
    const auto a = got.span<const float>();
    const auto b = want.span<const float>();
    double worst = 0;
    std::size_t worst_i = 0;
    bool ok = true;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double err = std::fabs(static_cast<double>(a[i]) - b[i]);
        if (!(err <= d.max_abs_err)) d.max_abs_err = std::isnan(err) ? INFINITY : err;
        const double excess = err - (tol.atol + tol.rtol * std::fabs(static_cast<double>(b[i])));
        if (!(excess <= 0) && (ok || !(excess <= worst))) {
            ok = false;
            worst = std::isnan(excess) ? INFINITY : excess;
            worst_i = i;
        }
    }
    d.pass = ok;
    if (!ok)
        d.detail = cat("element ", worst_i, ": konnx ", a[worst_i], ", reference ", b[worst_i], " (atol ", tol.atol,
                       ", rtol ", tol.rtol, ")");
    return d;
}

}  // namespace

EngineCheck check_konnx_engine(const std::string& case_file, Tolerance vs_tfjs, Tolerance vs_ort) {
    EngineCheck check;
    try {
        std::ifstream in(case_file);
        const json spec = json::parse(in);
        const std::string dir = spec.at("out_dir");
        Session session = Session::open(spec.at("onnx"));
        std::vector<std::pair<std::string, Tensor>> feeds;
        for (const auto& in : spec.at("inputs"))
            feeds.emplace_back(in.at("name"), read_npy(in.at("file")));
        const std::vector<Tensor> outs = session.run(feeds);
        for (std::size_t k = 0; k < outs.size(); ++k) {
            const std::string name = session.outputs()[k].name;
            check.vs_tfjs.push_back(compare_with(outs[k], cat(dir, "/tfjs_", k, ".npy"), name, vs_tfjs));
            check.vs_ort.push_back(compare_with(outs[k], cat(dir, "/ort_", k, ".npy"), name, vs_ort));
        }
    } catch (const std::exception& e) {
        check.error = e.what();
    }
    return check;
}

::testing::AssertionResult konnx_matches_tfjs(const EngineCheck& check) {
    if (!check.error.empty()) return ::testing::AssertionFailure() << "konnx failed: " << check.error;
    if (check.vs_tfjs.empty()) return ::testing::AssertionFailure() << "konnx gave no outputs";
    for (const auto& d : check.vs_tfjs) {
        if (!d.present) return ::testing::AssertionFailure() << d.name << ": no tfjs reference";
        if (!d.pass) return ::testing::AssertionFailure() << "konnx vs tfjs, " << d.name << ": " << d.detail;
    }
    return ::testing::AssertionSuccess() << describe(check);
}

std::string describe(const EngineCheck& check) {
    if (!check.error.empty()) return "konnx failed: " + check.error;
    std::string s;
    for (std::size_t k = 0; k < check.vs_ort.size(); ++k) {
        s += cat(k ? "; " : "", check.vs_ort[k].name, ": konnx-ort ");
        s += check.vs_ort[k].present ? cat(check.vs_ort[k].max_abs_err) : std::string("n/a");
        if (check.vs_tfjs[k].present) s += cat(", konnx-tfjs ", check.vs_tfjs[k].max_abs_err);
    }
    return s;
}

}  // namespace konnx::test
