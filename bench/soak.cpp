// SPDX-License-Identifier: MIT
// Soak test: runs one small model N times (default 100000) in one Session and reports the resident set
// size after a warm-up and at the end, as JSON. Memory that grows with the run count (a leak in the plan
// cache, arena pool, output buffers or oneDNN primitives) shows up as "rss_growth_kib" well above 0.
//
//   konnx_soak [--runs N] [--threads T]      (bench/soak.sh builds it and records the result)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "konnx/session.hpp"
#include "onnx/model_io.hpp"

using namespace konnx;

namespace {

long rss_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// x[1,64] -> MatMul(64x64) -> Add -> Relu -> MatMul(64x10) -> Softmax: small, but every run goes through
/// the plan, the arena pool, oneDNN's matmul and fresh output buffers.
std::string model_bytes() {
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    auto random = [&](std::size_t n) {
        std::vector<float> v(n);
        for (auto& x : v)
            x = u(rng);
        return v;
    };
    graph::Model m;
    m.opsets.push_back({"", 13});
    m.graph.name = "soak_mlp";
    m.graph.inputs.push_back({"x", DType::kFloat32, {Dim{1, ""}, Dim{64, ""}}, true, ""});
    m.graph.initializers["W1"] = Tensor::from_vector<float>({64, 64}, random(64 * 64));
    m.graph.initializers["B1"] = Tensor::from_vector<float>({64}, random(64));
    m.graph.initializers["W2"] = Tensor::from_vector<float>({64, 10}, random(640));
    auto node = [&](const std::string& op, std::vector<std::string> in, const std::string& out) {
        graph::Node n;
        n.op_type = op;
        n.name = out;
        n.inputs = std::move(in);
        n.outputs = {out};
        m.graph.nodes.push_back(std::move(n));
    };
    node("MatMul", {"x", "W1"}, "h");
    node("Add", {"h", "B1"}, "hb");
    node("Relu", {"hb"}, "r");
    node("MatMul", {"r", "W2"}, "logits");
    node("Softmax", {"logits"}, "probs");
    m.graph.outputs.push_back({"probs", DType::kFloat32, {}, false, ""});
    return onnxio::serialize_model(m);
}

}  // namespace

int main(int argc, char** argv) try {
    long runs = 100000;
    int threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--runs")) runs = std::atol(argv[i + 1]);
        if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    }
    const std::string bytes = model_bytes();
    SessionOptions options;
    options.threads = threads;
    const Session session = Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
    std::vector<float> x(64);
    auto one_run = [&](long i) {
        for (std::size_t k = 0; k < x.size(); ++k)
            x[k] = static_cast<float>((i + static_cast<long>(k)) % 17) * 0.1f;
        return session.run({{"x", Tensor::from_vector<float>({1, 64}, x)}})[0].data<float>()[0];
    };
    const long warmup = std::min(runs, 1000L);
    double sink = 0;
    for (long i = 0; i < warmup; ++i)
        sink += one_run(i);
    const long rss_before = rss_kib();
    long rss_peak = rss_before;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < runs; ++i) {
        sink += one_run(i);
        if (i % 10000 == 0) rss_peak = std::max(rss_peak, rss_kib());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long rss_after = rss_kib();
    rss_peak = std::max(rss_peak, rss_after);
    std::printf(
        "{\"runs\": %ld, \"warmup_runs\": %ld, \"threads\": %d, \"seconds\": %.2f, \"rss_before_kib\": %ld, "
        "\"rss_after_kib\": %ld, \"rss_peak_kib\": %ld, \"rss_growth_kib\": %ld, \"checksum\": %.6g}\n",
        runs, warmup, threads, seconds, rss_before, rss_after, rss_peak, rss_after - rss_before, sink);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "konnx_soak: %s\n", e.what());
    return 1;
}
