// SPDX-License-Identifier: MIT
// konnx bench MODEL: load time, first-run time, then --repeat rounds of --runs timed inferences (each round's
// mean is the seed's comparison.py figure), percentiles and throughput over all of them. --cold times whole
// fresh processes (this binary, exec'd) loading the model and running once: the seed's `time python main.py`.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli/cli.hpp"
#include "cli/model_loader.hpp"
#include "cli/tensor_io.hpp"
#include "core/error.hpp"
#include "core/load_profile.hpp"
#include "core/parallel.hpp"
#include "konnx/version.hpp"

namespace konnx::cli {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

struct Stats {
    double min = 0, mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

/// Percentiles by linear interpolation between order statistics (numpy's default).
Stats stats_of(std::vector<double> v) {
    Stats s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) {
        const double pos = p / 100.0 * static_cast<double>(v.size() - 1);
        const auto lo = static_cast<std::size_t>(pos);
        const std::size_t hi = std::min(lo + 1, v.size() - 1);
        return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
    };
    s.min = v.front();
    s.max = v.back();
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    s.p50 = pct(50);
    s.p90 = pct(90);
    s.p99 = pct(99);
    return s;
}

/// "NAME:1,3,224,224" (also 1x3x224x224).
std::pair<std::string, Shape> parse_shape_spec(const std::string& spec) {
    const auto colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
        throw UsageError("--input-shape expects NAME:dims such as input:1,3,224,224, got '" + spec + "'");
    Shape dims;
    std::string part;
    const std::string list = spec.substr(colon + 1) + ",";
    for (char c : list) {
        if (c == ',' || c == 'x') {
            if (part.empty() || part.size() > 12 || part.find_first_not_of("0123456789") != std::string::npos)
                throw UsageError("--input-shape dims must be non-negative integers, got '" + spec + "'");
            dims.push_back(std::stoll(part));
            part.clear();
        } else {
            part += c;
        }
    }
    return {spec.substr(0, colon), dims};
}

std::string dims_of(const TensorInfo& info) {
    std::vector<int64_t> dims;
    for (const Dim& d : info.shape)
        dims.push_back(d.size);
    return shape_str(dims);
}

int64_t peak_rss_kb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;  // kilobytes on Linux
}

std::string fmt_ms(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ms >= 100 ? "%.1f" : ms >= 1 ? "%.3f" : "%.4f", ms);
    return buf;
}

}  // namespace

CommandRunner setup_bench(CLI::App& app) {
    struct Options {
        std::string model;
        int runs = 10, repeat = 3, warmup = 1, threads = 0, opt_level = 2;
        Precision precision = Precision::kFloat32;
        int64_t batch = 0;
        uint64_t seed = 0;
        std::vector<std::string> shapes, inputs;
        bool cold = false, profile = false, json = false, once = false;
    };
    auto opt = std::make_shared<Options>();
    app.add_option("model", opt->model, "Model file (.onnx, or Keras .h5/.keras converted in memory)")->required();
    app.add_option("-r,--runs", opt->runs, "Timed inferences per repeat (cold: processes started)")
        ->check(CLI::Range(1, 10000000));
    app.add_option("--repeat", opt->repeat, "Rounds of --runs, each reported with its mean")
        ->check(CLI::Range(1, 100000));
    app.add_option("-w,--warmup", opt->warmup, "Untimed inferences after the first run")->check(CLI::Range(0, 1000000));
    add_threads_option(app, opt->threads);
    app.add_option("-b,--batch", opt->batch, "Size of unknown first (batch) dimensions (default 1)")
        ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
    app.add_option("--input-shape", opt->shapes, "NAME:dims for synthetic inputs, e.g. input:1,3,224,224 (repeatable)")
        ->allow_extra_args(false);
    app.add_option("-i,--input", opt->inputs, "NAME=FILE with FILE a .npy or TensorProto .pb (repeatable)")
        ->allow_extra_args(false);
    add_opt_level_option(app, opt->opt_level);
    add_precision_option(app, opt->precision);
    app.add_option("--seed", opt->seed, "Seed for synthetic inputs");
    app.add_flag("--cold", opt->cold, "Also time --runs fresh processes that load the model and run once");
    app.add_flag("--profile", opt->profile, "Per-node and per-op-type times over --runs profiled runs");
    app.add_flag("--json", opt->json, "Print one JSON document on stdout");
    app.add_flag("--once", opt->once, "(internal, used by --cold) load, run once, print nothing")->group("");
    app.footer(
        "Examples:\n"
        "  konnx bench model.onnx                       (10 runs x 3 repeats, like the seed's comparison.py)\n"
        "  konnx bench model.onnx --runs 100 --warmup 10 --threads 4 --json\n"
        "  konnx bench model.onnx --input-shape input:8,3,224,224 --profile\n"
        "  konnx bench fish.h5 --cold --runs 3         (fresh process: load + one inference, like `time main.py`)\n"
        "Times are wall-clock milliseconds; throughput is items (batch x runs) per second.");

    return [opt]() -> int {
        std::map<std::string, Shape> shapes;
        for (const auto& spec : opt->shapes)
            shapes.insert(parse_shape_spec(spec));
        SessionOptions so;
        so.threads = opt->threads;
        so.optimization_level = opt->opt_level;
        so.precision = opt->precision;

        const auto t_load = Clock::now();
        Session session = open_model(opt->model, so);
        const double load_ms = ms_since(t_load);

        std::vector<std::pair<std::string, Tensor>> feeds;
        for (const auto& spec : opt->inputs) {
            const auto eq = spec.find('=');
            if (eq == std::string::npos || eq == 0) throw UsageError("--input expects NAME=FILE, got '" + spec + "'");
            feeds.emplace_back(spec.substr(0, eq), read_tensor_file(spec.substr(eq + 1)));
        }
        for (const auto& entry : shapes) {
            const std::string& name = entry.first;  // captured below: not a structured binding (clang 14)
            if (std::none_of(session.inputs().begin(), session.inputs().end(),
                             [&](const TensorInfo& i) { return i.name == name; }))
                fail(ErrorCode::kInvalidArgument, "--input-shape names no model input: '", name, "'");
        }
        uint64_t seed = opt->seed;
        int64_t batch = 0;
        for (const auto& info : session.inputs()) {
            auto given = std::find_if(feeds.begin(), feeds.end(), [&](const auto& f) { return f.first == info.name; });
            if (given != feeds.end()) {
                if (batch == 0 && given->second.rank() > 0) batch = given->second.dim(0);
                continue;
            }
            TensorInfo fixed = info;
            if (auto it = shapes.find(info.name); it != shapes.end()) {
                if (info.has_shape && info.shape.size() != it->second.size())
                    fail(ErrorCode::kInvalidArgument, "--input-shape ", info.name, " has ", it->second.size(),
                         " dims; the model's input has ", info.shape.size());
                fixed.shape.clear();
                for (int64_t d : it->second)
                    fixed.shape.push_back(Dim{d, ""});
            } else {
                if (opt->batch > 0 && !fixed.shape.empty() && fixed.shape[0].is_fixed() &&
                    fixed.shape[0].size != opt->batch && !opt->once)
                    log_warning(cat("input '", info.name, "' has a fixed batch of ", fixed.shape[0].size,
                                    ": --batch ignored for it"));
                bool dynamic_batch = false, dynamic_other = false;
                for (std::size_t d = 0; d < fixed.shape.size(); ++d)
                    if (!fixed.shape[d].is_fixed()) {
                        fixed.shape[d].size = d == 0 && opt->batch > 0 ? opt->batch : 1;
                        (d == 0 ? dynamic_batch : dynamic_other) = true;
                    }
                const std::string message = cat("input '", info.name, "' has unknown dims: using ", dims_of(fixed),
                                                " (set them with --input-shape ", info.name, ":...)");
                if (dynamic_other && !opt->once)
                    log_warning(message);
                else if (dynamic_batch && opt->batch == 0 && !opt->once)
                    log_info(cat("input '", info.name, "': unknown batch dimension set to 1 (--batch N to change)"));
            }
            if (batch == 0 && !fixed.shape.empty()) batch = fixed.shape[0].size;
            feeds.emplace_back(info.name, synthetic_input(fixed, seed++));
        }
        if (batch <= 0) batch = 1;

        const auto t_first = Clock::now();
        {
            LoadPhase phase("first run");
            session.run(feeds);
        }
        const double first_run_ms = ms_since(t_first);
        if (opt->once) return kExitOk;

        for (int i = 0; i < opt->warmup; ++i)
            session.run(feeds);
        std::vector<double> all, repeat_means;
        for (int r = 0; r < opt->repeat; ++r) {
            std::vector<double> round;
            for (int i = 0; i < opt->runs; ++i) {
                const auto t = Clock::now();
                session.run(feeds);
                round.push_back(ms_since(t));
            }
            repeat_means.push_back(std::accumulate(round.begin(), round.end(), 0.0) /
                                   static_cast<double>(round.size()));
            all.insert(all.end(), round.begin(), round.end());
        }
        const Stats s = stats_of(all);
        const double throughput = s.mean > 0 ? static_cast<double>(batch) * 1000.0 / s.mean : 0;
        const int threads = opt->threads > 0 ? opt->threads : physical_cores();

        nlohmann::ordered_json report;
        report["model"] = opt->model;
        report["konnx_version"] = version();
        report["load_ms"] = load_ms;
        report["first_run_ms"] = first_run_ms;
        report["warmup"] = opt->warmup;
        report["runs"] = static_cast<int64_t>(all.size());
        report["repeat"] = opt->repeat;
        report["repeat_mean_ms"] = repeat_means;
        report["mean_ms"] = s.mean;
        report["min_ms"] = s.min;
        report["p50_ms"] = s.p50;
        report["p90_ms"] = s.p90;
        report["p99_ms"] = s.p99;
        report["max_ms"] = s.max;
        report["batch"] = batch;
        report["throughput_per_s"] = throughput;
        report["threads"] = threads;

        std::string text = cat("model       ", opt->model, "\n", "load        ", fmt_ms(load_ms), " ms\n",
                               "first run   ", fmt_ms(first_run_ms), " ms\n");
        for (std::size_t r = 0; r < repeat_means.size(); ++r)
            text += cat("repeat ", r + 1, std::string(r + 1 < 10 ? 4 : 3, ' '), "mean ", fmt_ms(repeat_means[r]),
                        " ms over ", opt->runs, " runs\n");
        text += cat("latency     min ", fmt_ms(s.min), "  mean ", fmt_ms(s.mean), "  p50 ", fmt_ms(s.p50), "  p90 ",
                    fmt_ms(s.p90), "  p99 ", fmt_ms(s.p99), "  max ", fmt_ms(s.max), " ms (", all.size(), " runs)\n");
        char tput[64];
        std::snprintf(tput, sizeof tput, "%.1f", throughput);
        text += cat("throughput  ", tput, " items/s (batch ", batch, ", ", threads, " thread", threads == 1 ? "" : "s",
                    ")\n");

        if (opt->profile) {
            std::map<std::size_t, std::tuple<std::string, std::string, double>> nodes;  // by step
            std::map<std::string, std::pair<int, double>> by_op;                        // op -> nodes, total us
            std::vector<NodeProfile> profile;
            std::vector<std::vector<double>> samples;  // per step: one time per run
            double total_us = 0;
            for (int i = 0; i < opt->runs; ++i) {
                session.run_profiled(feeds, profile);
                samples.resize(std::max(samples.size(), profile.size()));
                for (std::size_t n = 0; n < profile.size(); ++n) {
                    auto& [name, op, us] = nodes[n];
                    name = profile[n].node_name.empty() ? cat("#", n) : profile[n].node_name;
                    op = profile[n].op_type;
                    samples[n].push_back(profile[n].microseconds);
                }
            }
            // Medians: on a shared machine a few preempted runs would dominate a mean.
            for (auto& [n, node] : nodes) {
                auto& v = samples[n];
                std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
                std::get<2>(node) = v[v.size() / 2];
            }
            for (const auto& [n, node] : nodes) {
                const auto& [name, op, us] = node;
                auto& entry = by_op[op];
                ++entry.first;
                entry.second += us;
                total_us += us;
            }
            std::vector<std::tuple<std::string, std::string, double>> sorted_nodes;
            for (const auto& [n, node] : nodes)
                sorted_nodes.push_back(node);
            std::stable_sort(sorted_nodes.begin(), sorted_nodes.end(),
                             [](const auto& a, const auto& b) { return std::get<2>(a) > std::get<2>(b); });
            std::vector<std::pair<std::string, std::pair<int, double>>> sorted_ops(by_op.begin(), by_op.end());
            std::stable_sort(sorted_ops.begin(), sorted_ops.end(),
                             [](const auto& a, const auto& b) { return a.second.second > b.second.second; });
            auto pct = [&](double us) { return total_us > 0 ? 100.0 * us / total_us : 0.0; };
            nlohmann::ordered_json pj;
            pj["runs"] = opt->runs;
            pj["total_us"] = total_us;
            pj["op_types"] = nlohmann::ordered_json::array();
            pj["nodes"] = nlohmann::ordered_json::array();
            char line[512];
            text += cat("\nprofile (median over ", opt->runs, " runs, ", nodes.size(), " planned steps)\n");
            std::snprintf(line, sizeof line, "  %-24s %6s %12s %7s\n", "op type", "steps", "time us", "%");
            text += line;
            for (const auto& [op, entry] : sorted_ops) {
                std::snprintf(line, sizeof line, "  %-24s %6d %12.1f %6.1f%%\n", op.c_str(), entry.first, entry.second,
                              pct(entry.second));
                text += line;
                pj["op_types"].push_back(
                    {{"op_type", op}, {"nodes", entry.first}, {"us", entry.second}, {"percent", pct(entry.second)}});
            }
            int name_width = 4;
            for (const auto& node : sorted_nodes)
                name_width = std::max(name_width, static_cast<int>(std::get<0>(node).size()));
            name_width = std::min(name_width, 72);
            std::snprintf(line, sizeof line, "\n  %-*s %-20s %12s %7s\n", name_width, "node", "op type", "time us",
                          "%");
            text += line;
            constexpr std::size_t kShownNodes = 30;
            for (std::size_t n = 0; n < sorted_nodes.size(); ++n) {
                const auto& [name, op, us] = sorted_nodes[n];
                if (n < kShownNodes) {
                    std::snprintf(line, sizeof line, "  %-*s %-20s %12.1f %6.1f%%\n", name_width, name.c_str(),
                                  op.c_str(), us, pct(us));
                    text += line;
                }
                pj["nodes"].push_back({{"name", name}, {"op_type", op}, {"us", us}, {"percent", pct(us)}});
            }
            if (sorted_nodes.size() > kShownNodes)
                text += cat("  ... ", sorted_nodes.size() - kShownNodes, " more nodes (--json lists all)\n");
            report["profile"] = pj;
        }

        if (opt->cold) {
            std::vector<std::string> args = {"/proc/self/exe", "-q", "bench", opt->model, "--once"};
            for (const auto& i : opt->inputs)
                args.insert(args.end(), {"--input", i});
            for (const auto& sh : opt->shapes)
                args.insert(args.end(), {"--input-shape", sh});
            if (opt->batch > 0) args.insert(args.end(), {"--batch", std::to_string(opt->batch)});
            args.insert(args.end(), {"--threads", std::to_string(opt->threads), "--opt-level",
                                     std::to_string(opt->opt_level), "--seed", std::to_string(opt->seed)});
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            std::vector<double> cold;
            for (int i = 0; i < opt->runs; ++i) {
                std::cout.flush();
                std::cerr.flush();
                const auto t = Clock::now();
                const pid_t pid = fork();
                if (pid < 0) fail(ErrorCode::kIo, "--cold: fork failed");
                if (pid == 0) {
                    execv(argv[0], argv.data());
                    _exit(127);
                }
                int status = 0;
                waitpid(pid, &status, 0);
                cold.push_back(ms_since(t));
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                    fail(ErrorCode::kInternal, "--cold: the child process failed (",
                         WIFEXITED(status) ? cat("exit ", WEXITSTATUS(status)) : std::string("killed by a signal"),
                         ")");
            }
            const Stats c = stats_of(cold);
            report["cold"] = {{"runs", cold.size()}, {"mean_ms", c.mean}, {"min_ms", c.min},
                              {"p50_ms", c.p50},     {"max_ms", c.max},   {"samples_ms", cold}};
            text += cat("\ncold        min ", fmt_ms(c.min), "  mean ", fmt_ms(c.mean), "  max ", fmt_ms(c.max),
                        " ms per fresh process (load + one inference, ", cold.size(), " processes)\n");
        }
        report["peak_rss_kb"] = peak_rss_kb();
        text += cat("peak RSS    ", peak_rss_kb() / 1024, " MiB\n");
        if (opt->json)
            std::cout << report.dump(2) << "\n";
        else
            std::cout << text;
        return kExitOk;
    };
}

}  // namespace konnx::cli
