// SPDX-License-Identifier: MIT
// ONNX backend conformance: runs every case of Debian's libonnx-testdata through konnx and
// compares all outputs (rtol 1e-3, atol 1e-5 unless tolerances.txt overrides a case with a reason).
//
//   konnx_conformance [--data DIR] [--expected FILE] [--tolerances FILE] [--filter SUBSTR]
//                     [--write-expected FILE] [--opt-level N] [-v]
//
// Exit status 1 when a case listed in expected_pass.txt fails; newly passing cases are reported
// so the list can be updated with --write-expected.
#include <algorithm>
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

}  // namespace

int main(int argc, char** argv) {
    std::string data = "/usr/share/libonnx-testdata/data";
    std::string expected_file, tolerance_file, filter, write_expected;
    int opt_level = 2;
    bool verbose = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (arg == "--data")
            data = next();
        else if (arg == "--expected")
            expected_file = next();
        else if (arg == "--tolerances")
            tolerance_file = next();
        else if (arg == "--filter")
            filter = next();
        else if (arg == "--write-expected")
            write_expected = next();
        else if (arg == "--opt-level")
            opt_level = std::stoi(next());
        else if (arg == "-v")
            verbose = true;
        else {
            std::cerr << "unknown argument " << arg << "\n";
            return 64;
        }
    }
    if (!fs::exists(data)) {
        std::cout << "ONNX test data not found at " << data << " (install libonnx-testdata); skipping\n";
        return 0;
    }
    const auto expected = expected_file.empty() ? std::set<std::string>{} : read_list(expected_file);
    const auto tolerances =
        tolerance_file.empty() ? std::map<std::string, Tolerance>{} : read_tolerances(tolerance_file);

    std::set<std::string> passing;
    int regressions = 0, total_pass = 0, total_fail = 0;
    for (const std::string folder : {"node", "pytorch-converted", "pytorch-operator", "simple"}) {
        const fs::path root = fs::path(data) / folder;
        if (!fs::exists(root)) continue;
        std::vector<fs::path> cases;
        for (const auto& e : fs::directory_iterator(root))
            if (fs::exists(e.path() / "model.onnx")) cases.push_back(e.path());
        std::sort(cases.begin(), cases.end());
        int pass = 0, failed = 0;
        for (const auto& dir : cases) {
            const std::string id = folder + "/" + dir.filename().string();
            if (!filter.empty() && id.find(filter) == std::string::npos) continue;
            const auto tol_it = tolerances.find(id);
            const std::string reason =
                run_case(dir, tol_it == tolerances.end() ? Tolerance{} : tol_it->second, opt_level);
            const bool listed = expected.count(id) > 0;
            if (reason.empty()) {
                ++pass;
                passing.insert(id);
                if (!listed && !expected_file.empty())
                    std::cout << "NEWLY PASSING " << id << "\n";
                else if (verbose)
                    std::cout << "pass " << id << "\n";
            } else {
                ++failed;
                if (listed) {
                    ++regressions;
                    std::cout << "REGRESSION " << id << ": " << reason << "\n";
                } else if (verbose) {
                    std::cout << "fail " << id << ": " << reason << "\n";
                }
            }
        }
        if (pass + failed > 0)
            std::printf("%-18s %4d / %4d passed (%.1f%%)\n", folder.c_str(), pass, pass + failed,
                        100.0 * pass / (pass + failed));
        total_pass += pass;
        total_fail += failed;
    }
    if (!write_expected.empty()) {
        std::ofstream out(write_expected);
        out << "# ONNX backend cases konnx must pass (regenerate with konnx_conformance --write-expected).\n";
        for (const auto& id : passing)
            out << id << "\n";
    }
    std::printf("conformance: %d passed, %d failed, %d regressions against the expected list\n", total_pass, total_fail,
                regressions);
    return regressions > 0 ? 1 : 0;
}
