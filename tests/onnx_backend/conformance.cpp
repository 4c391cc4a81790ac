// SPDX-License-Identifier: MIT
// ONNX backend conformance: runs every case of one ONNX test-data set (Debian's libonnx-testdata, ONNX 1.12;
// or the venv's onnx package, written by tools/onnx_testdata.py) through konnx and compares all outputs
// (rtol 1e-3, atol 1e-5 unless the tolerances file overrides a case with a reason). Prints pass counts per
// folder and per opset (the ai.onnx opset each case's model imports; other domains by name).
//
//   konnx_conformance [--data DIR] [--set NAME] [--expected FILE] [--tolerances FILE] [--filter SUBSTR]
//                     [--write-expected FILE] [--summary FILE] [--opt-level N] [-v]
//
// Exit status 1 when a case listed in the expected file fails, or when the data is missing; newly passing
// cases are reported so the list can be updated with --write-expected. --summary also writes the counts to FILE
// (tools/test.sh prints them in its totals).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/dispatch.hpp"
#include "core/half.hpp"
#include "konnx/sequence.hpp"
#include "konnx/session.hpp"
#include "konnx/string_tensor.hpp"
#include "konnx/version.hpp"
#include "onnx/model_io.hpp"

namespace fs = std::filesystem;
using namespace konnx;

namespace {

struct Tolerance {
    double rtol = 1e-3, atol = 1e-5;
};

std::set<std::string> read_list(const std::string& path) {
    std::set<std::string> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        line = line.substr(0, line.find('#'));
        line.erase(std::remove_if(line.begin(), line.end(), ::isspace), line.end());
        if (!line.empty()) out.insert(line);
    }
    return out;
}

std::map<std::string, Tolerance> read_tolerances(const std::string& path) {
    std::map<std::string, Tolerance> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        line = line.substr(0, line.find('#'));
        std::istringstream fields(line);
        std::string name;
        Tolerance t;
        if (fields >> name >> t.rtol >> t.atol) out[name] = t;
    }
    return out;
}

double value_at(const Tensor& t, int64_t i) {
    double v = 0;
    if (t.dtype() == DType::kBool) return t.data<bool>()[i];
    if (t.dtype() == DType::kFloat16) return to_float(t.data<Float16>()[i]);
    if (t.dtype() == DType::kBFloat16) return to_float(t.data<BFloat16>()[i]);
    dispatch_list(NumericTypes{}, t.dtype(), [&]<class T>() { v = static_cast<double>(t.data<T>()[i]); });
    return v;
}

// ONNX 1.12's test data stores bfloat16 tensors as uint16 (numpy has no bfloat16): the same bits, retyped.
Tensor retype_bfloat16(const Tensor& t) {
    Tensor out = Tensor::empty(DType::kBFloat16, t.shape());
    if (t.nbytes()) std::memcpy(out.raw(), t.raw(), t.nbytes());
    return out;
}

// Empty string when equal within tolerance, else the first difference.
std::string compare(const Tensor& got, const Tensor& want_in, const Tolerance& tol) {
    if (got.dtype() == DType::kString || want_in.dtype() == DType::kString) {
        if (got.dtype() != want_in.dtype() || got.shape() != want_in.shape())
            return cat(dtype_name(got.dtype()), " ", shape_str(got.shape()), " != expected ",
                       dtype_name(want_in.dtype()), " ", shape_str(want_in.shape()));
        const auto g = string_values(got), w = string_values(want_in);
        for (std::size_t i = 0; i < w.size(); ++i)
            if (g[i] != w[i]) return cat("element ", i, ": got '", g[i], "', expected '", w[i], "'");
        return "";
    }
    const Tensor want =
        got.dtype() == DType::kBFloat16 && want_in.dtype() == DType::kUInt16 ? retype_bfloat16(want_in) : want_in;
    if (got.dtype() != want.dtype())
        return cat("dtype ", dtype_name(got.dtype()), " != expected ", dtype_name(want.dtype()));
    if (got.shape() != want.shape())
        return cat("shape ", shape_str(got.shape()), " != expected ", shape_str(want.shape()));
    const bool exact = !(want.dtype() == DType::kFloat32 || want.dtype() == DType::kFloat64 ||
                         want.dtype() == DType::kFloat16 || want.dtype() == DType::kBFloat16);
    for (int64_t i = 0; i < want.numel(); ++i) {
        const double a = value_at(got, i), b = value_at(want, i);
        if (std::isnan(a) && std::isnan(b)) continue;
        if (std::isinf(b) && a == b) continue;
        const bool ok = exact ? a == b : std::fabs(a - b) <= tol.atol + tol.rtol * std::fabs(b);
        if (!ok) return cat("element ", i, ": got ", a, ", expected ", b);
    }
    return "";
}

// compare() for sequence and optional values: the same kind, item count and each item within tolerance.
std::string compare_value(const Tensor& got, const Tensor& want, const Tolerance& tol) {
    if (!is_container(want.dtype())) return compare(got, want, tol);
    if (got.dtype() != want.dtype())
        return cat("got a ", dtype_name(got.dtype()), ", expected a ", dtype_name(want.dtype()));
    if (want.dtype() == kOptionalType) {
        const Tensor *g = optional_value(got), *w = optional_value(want);
        if (!g || !w) return !g && !w ? "" : cat("optional ", g ? "has" : "lacks", " a value, expected the opposite");
        return compare_value(*g, *w, tol);
    }
    const auto &g = sequence_items(got), &w = sequence_items(want);
    if (g.size() != w.size()) return cat("sequence of ", g.size(), " items, expected ", w.size());
    for (std::size_t i = 0; i < w.size(); ++i)
        if (std::string diff = compare(g[i], w[i], tol); !diff.empty()) return cat("item ", i, ": ", diff);
    return "";
}

// Cases whose test data contradict the model's declared input shapes. ONNX 1.12's CastLike bfloat16 cases
// declare `like` as [3, 4] but store a [1] tensor (CastLike reads only its type); konnx rightly refuses the
// mismatch, so the runner drops that input's declared shape for these cases only.
const std::map<std::string, std::string> kUndeclaredInputShapes = {
    {"test_castlike_BFLOAT16_to_FLOAT", "like"},
    {"test_castlike_BFLOAT16_to_FLOAT_expanded", "like"},
    {"test_castlike_FLOAT_to_BFLOAT16", "like"},
    {"test_castlike_FLOAT_to_BFLOAT16_expanded", "like"},
};

Session open_case(const fs::path& dir, const SessionOptions& options) {
    const std::string path = (dir / "model.onnx").string();
    const auto quirk = kUndeclaredInputShapes.find(dir.filename().string());
    if (quirk == kUndeclaredInputShapes.end()) return Session::open(path, options);
    graph::Model model = onnxio::load_model(path);
    for (auto& input : model.graph.inputs)
        if (input.name == quirk->second) input.has_shape = false;
    const std::string bytes = onnxio::serialize_model(model);
    return Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
}

// Runs one case folder; returns "" on success or the reason it failed.
std::string run_case(const fs::path& dir, const Tolerance& tol, int opt_level) {
    try {
        SessionOptions options;
        options.optimization_level = opt_level;
        Session session = open_case(dir, options);
        std::vector<fs::path> sets;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
                sets.push_back(e.path());
        std::sort(sets.begin(), sets.end());
        if (sets.empty()) return "no test data";
        for (const auto& set : sets) {
            std::vector<std::pair<std::string, Tensor>> feeds;
            for (std::size_t i = 0; i < session.inputs().size(); ++i) {
                const fs::path file = set / cat("input_", i, ".pb");
                if (!fs::exists(file)) break;
                std::string name;
                Tensor t = onnxio::read_value(file.string(), session.inputs()[i].dtype, &name);
                if (t.dtype() == DType::kUInt16 && session.inputs()[i].dtype == DType::kBFloat16)
                    t = retype_bfloat16(t);
                feeds.emplace_back(name.empty() ? session.inputs()[i].name : name, t);
            }
            // Inputs named in the .pb may differ from graph order; match by position when names are unknown.
            for (std::size_t i = 0; i < feeds.size(); ++i) {
                const bool known = std::any_of(session.inputs().begin(), session.inputs().end(),
                                               [&](const TensorInfo& in) { return in.name == feeds[i].first; });
                if (!known) feeds[i].first = session.inputs()[i].name;
            }
            const auto outputs = session.run(feeds);
            for (std::size_t i = 0; i < outputs.size(); ++i) {
                const fs::path file = set / cat("output_", i, ".pb");
                if (!fs::exists(file)) continue;
                const std::string diff =
                    compare_value(outputs[i], onnxio::read_value(file.string(), session.outputs()[i].dtype), tol);
                if (!diff.empty()) return cat(set.filename().string(), " output ", i, ": ", diff);
            }
        }
        return "";
    } catch (const Error& e) {
        return cat(error_code_name(e.code()), ": ", e.what());
    } catch (const std::exception& e) {
        return cat("exception: ", e.what());
    }
}

// The opset a case is counted under: the ai.onnx opset its model imports, else its other domains'.
std::string opset_key(const fs::path& dir) {
    try {
        const graph::Model model = onnxio::load_model((dir / "model.onnx").string());
        std::vector<std::string> others;
        for (const auto& o : model.opsets) {
            if (o.domain.empty() || o.domain == "ai.onnx") return cat(o.version);
            others.push_back(cat(o.domain, " ", o.version));
        }
        return others.empty() ? "none" : join(others, ", ");
    } catch (const Error&) {
        return "unreadable";
    }
}

struct Count {
    int pass = 0, total = 0;
};

std::string percent_line(const std::string& label, const Count& c) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-26s %4d / %4d passed (%.1f%%)", label.c_str(), c.pass, c.total,
                  c.total ? 100.0 * c.pass / c.total : 0.0);
    return buf;
}

// ai.onnx opsets sort numerically, before the keys of other domains.
bool opset_less(const std::string& a, const std::string& b) {
    const bool na = !a.empty() && std::isdigit(static_cast<unsigned char>(a[0]));
    const bool nb = !b.empty() && std::isdigit(static_cast<unsigned char>(b[0]));
    if (na != nb) return na;
    return na ? std::stoll(a) < std::stoll(b) : a < b;
}

struct Options {
    std::string data = "/usr/share/libonnx-testdata/data", set_name = "onnx-1.12";
    std::string expected_file, tolerance_file, filter, write_expected, summary_file;
    int opt_level = 2;
    bool verbose = false;
};

// Returns 0 with the options parsed, or the exit status for a usage error.
int parse_args(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-v") {
            o.verbose = true;
            continue;
        }
        if (i + 1 >= argc) {
            std::cerr << "konnx_conformance: " << arg << " needs a value\n";
            return 64;
        }
        const std::string value = argv[++i];
        if (arg == "--data")
            o.data = value;
        else if (arg == "--set")
            o.set_name = value;
        else if (arg == "--expected")
            o.expected_file = value;
        else if (arg == "--tolerances")
            o.tolerance_file = value;
        else if (arg == "--filter")
            o.filter = value;
        else if (arg == "--write-expected")
            o.write_expected = value;
        else if (arg == "--summary")
            o.summary_file = value;
        else if (arg == "--opt-level")
            o.opt_level = std::stoi(value);
        else {
            std::cerr << "konnx_conformance: unknown argument " << arg << "\n";
            return 64;
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    if (const int usage = parse_args(argc, argv, opt)) return usage;
    if (!fs::exists(opt.data)) {
        std::cout << "conformance[" << opt.set_name << "]: no ONNX test data at " << opt.data
                  << " (bash tools/install_deps.sh installs libonnx-testdata; tools/onnx_testdata.py writes the "
                     "onnx package's)\n";
        return 1;
    }
    const auto expected = opt.expected_file.empty() ? std::set<std::string>{} : read_list(opt.expected_file);
    const auto tolerances =
        opt.tolerance_file.empty() ? std::map<std::string, Tolerance>{} : read_tolerances(opt.tolerance_file);

    std::set<std::string> passing;
    std::map<std::string, Count> by_folder;
    std::map<std::string, Count, decltype(&opset_less)> by_opset(opset_less), node_by_opset(opset_less);
    int regressions = 0;
    for (const std::string folder : {"node", "pytorch-converted", "pytorch-operator", "simple", "light"}) {
        const fs::path root = fs::path(opt.data) / folder;
        if (!fs::exists(root)) continue;
        std::vector<fs::path> cases;
        for (const auto& e : fs::directory_iterator(root))
            if (fs::exists(e.path() / "model.onnx")) cases.push_back(e.path());
        std::sort(cases.begin(), cases.end());
        for (const auto& dir : cases) {
            const std::string id = folder + "/" + dir.filename().string();
            if (!opt.filter.empty() && id.find(opt.filter) == std::string::npos) continue;
            const auto tol_it = tolerances.find(id);
            const std::string reason =
                run_case(dir, tol_it == tolerances.end() ? Tolerance{} : tol_it->second, opt.opt_level);
            const bool listed = expected.count(id) > 0, ok = reason.empty();
            const std::string opset = opset_key(dir);
            for (Count* c : {&by_folder[folder], &by_opset[opset]}) {
                c->pass += ok;
                ++c->total;
            }
            if (folder == "node") {
                node_by_opset[opset].pass += ok;
                ++node_by_opset[opset].total;
            }
            if (ok) {
                passing.insert(id);
                if (!listed && !opt.expected_file.empty())
                    std::cout << "NEWLY PASSING " << id << "\n";
                else if (opt.verbose)
                    std::cout << "pass " << id << "\n";
            } else if (listed) {
                ++regressions;
                std::cout << "REGRESSION " << id << ": " << reason << "\n";
            } else if (opt.verbose) {
                std::cout << "fail " << id << " (opset " << opset << "): " << reason << "\n";
            }
        }
    }
    if (!opt.write_expected.empty()) {
        std::ofstream out(opt.write_expected);
        out << "# " << opt.set_name
            << " backend cases konnx must pass (regenerate with konnx_conformance --write-expected).\n";
        for (const auto& id : passing)
            out << id << "\n";
    }

    std::ostringstream summary;
    const std::string tag = "[" + opt.set_name + "] ";
    Count all, node_supported;
    for (const auto& [folder, c] : by_folder) {
        summary << tag << percent_line(folder, c) << "\n";
        all.pass += c.pass;
        all.total += c.total;
    }
    for (const auto& [opset, c] : by_opset) {
        const Count node = node_by_opset[opset];
        summary << tag << percent_line("opset " + opset, c) << "   (node " << node.pass << " / " << node.total << ")\n";
        if (opset_less(opset, cat(kMaxOnnxOpset + 1))) {
            node_supported.pass += node.pass;
            node_supported.total += node.total;
        }
    }
    summary << tag << percent_line(cat("node, opsets 1-", kMaxOnnxOpset), node_supported) << "\n";
    // Worded so that no log reader takes the expected failures for failed tests.
    summary << "conformance[" << opt.set_name << "]: " << all.pass << " of " << all.total << " cases pass, "
            << regressions << " regressions against the expected list\n";
    std::cout << summary.str();
    if (!opt.summary_file.empty()) std::ofstream(opt.summary_file) << summary.str();
    return regressions > 0 ? 1 : 0;
}
