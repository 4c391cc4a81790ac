// SPDX-License-Identifier: MIT
// One Session shared by 8 threads x 1000 runs (a small conv net: Conv, Relu, MaxPool, Gemm, Softmax):
// every output must be bitwise the single-threaded result for the same input, and that result must match
// a naive double-precision transcription of the ONNX operator definitions. Each thread feeds its own
// input, so a run that read another run's arena or cached state would show up as a mismatch.
// KONNX_STRESS_RUNS overrides the run count (sanitizer builds default to 100; TSan is ~10x slower).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>

#include "support/test_support.hpp"

using namespace konnx;

namespace {

constexpr int kC = 3, kH = 8, kW = 8, kF = 4, kClasses = 5;

int runs_per_thread() {
    if (const char* env = std::getenv("KONNX_STRESS_RUNS")) return std::max(1, std::atoi(env));
#ifdef KONNX_SANITIZED
    return 100;
#else
    return 1000;
#endif
}

std::vector<float> seeded(std::size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v)
        x = u(rng);
    return v;
}

struct Net {
    std::vector<float> conv_w = seeded(kF * kC * 3 * 3, 1), conv_b = seeded(kF, 2);
    std::vector<float> fc_w = seeded(kClasses * kF * 4 * 4, 3), fc_b = seeded(kClasses, 4);

    graph::Model model() const {
        graph::Model m;
        m.opsets.push_back({"", 13});
        m.graph.name = "small_convnet";
        m.graph.inputs.push_back({"x", DType::kFloat32, {Dim{1, ""}, Dim{kC, ""}, Dim{kH, ""}, Dim{kW, ""}}, true, ""});
        m.graph.initializers["W"] = Tensor::from_vector<float>({kF, kC, 3, 3}, conv_w);
        m.graph.initializers["B"] = Tensor::from_vector<float>({kF}, conv_b);
        m.graph.initializers["FW"] = Tensor::from_vector<float>({kClasses, kF * 16}, fc_w);
        m.graph.initializers["FB"] = Tensor::from_vector<float>({kClasses}, fc_b);
        auto node = [&](const std::string& op, std::vector<std::string> in, const std::string& out,
                        std::vector<std::pair<std::string, graph::Attribute>> attrs = {}) {
            graph::Node n;
            n.op_type = op;
            n.name = out;
            n.inputs = std::move(in);
            n.outputs = {out};
            n.attributes = std::move(attrs);
            m.graph.nodes.push_back(std::move(n));
        };
        auto ints = [](std::vector<int64_t> v) {
            graph::Attribute a;
            a.kind = graph::Attribute::Kind::kInts;
            a.ints = std::move(v);
            return a;
        };
        graph::Attribute trans_b;
        trans_b.kind = graph::Attribute::Kind::kInt;
        trans_b.i = 1;
        node("Conv", {"x", "W", "B"}, "conv", {{"pads", ints({1, 1, 1, 1})}, {"kernel_shape", ints({3, 3})}});
        node("Relu", {"conv"}, "relu");
        node("MaxPool", {"relu"}, "pool", {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})}});
        node("Flatten", {"pool"}, "flat");
        node("Gemm", {"flat", "FW", "FB"}, "logits", {{"transB", trans_b}});
        node("Softmax", {"logits"}, "probs");
        m.graph.outputs.push_back({"probs", DType::kFloat32, {}, false, ""});
        return m;
    }

    /// The same network, written out from the ONNX operator definitions in double precision.
    std::vector<double> reference(const std::vector<float>& x) const {
        std::vector<double> relu(kF * kH * kW);
        for (int f = 0; f < kF; ++f)
            for (int y = 0; y < kH; ++y)
                for (int xx = 0; xx < kW; ++xx) {
                    double acc = conv_b[f];
                    for (int c = 0; c < kC; ++c)
                        for (int ky = 0; ky < 3; ++ky)
                            for (int kx = 0; kx < 3; ++kx) {
                                const int iy = y + ky - 1, ix = xx + kx - 1;
                                if (iy < 0 || iy >= kH || ix < 0 || ix >= kW) continue;
                                acc += double(conv_w[((f * kC + c) * 3 + ky) * 3 + kx]) * x[(c * kH + iy) * kW + ix];
                            }
                    relu[(f * kH + y) * kW + xx] = std::max(acc, 0.0);
                }
        std::vector<double> pooled(kF * 16);
        for (int f = 0; f < kF; ++f)
            for (int y = 0; y < 4; ++y)
                for (int xx = 0; xx < 4; ++xx) {
                    double m = -INFINITY;
                    for (int dy = 0; dy < 2; ++dy)
                        for (int dx = 0; dx < 2; ++dx)
                            m = std::max(m, relu[(f * kH + 2 * y + dy) * kW + 2 * xx + dx]);
                    pooled[(f * 4 + y) * 4 + xx] = m;
                }
        std::vector<double> logits(kClasses);
        double top = -INFINITY, sum = 0;
        for (int k = 0; k < kClasses; ++k) {
            logits[k] = fc_b[k];
            for (int i = 0; i < kF * 16; ++i)
                logits[k] += double(fc_w[k * kF * 16 + i]) * pooled[i];
            top = std::max(top, logits[k]);
        }
        for (auto& l : logits)
            sum += l = std::exp(l - top);
        for (auto& l : logits)
            l /= sum;
        return logits;
    }
};

}  // namespace

TEST(Concurrency, EightThreadsGiveBitwiseTheSingleThreadedOutputs) {
    const Net net;
    SessionOptions options;
#if defined(__SANITIZE_THREAD__)
    options.threads = 1;  // libgomp is not TSan-instrumented: keep its thread team out of the picture
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
    options.threads = 1;
#endif
#endif
    const Session session = konnx::test::session_from_model(net.model(), options);

    constexpr int kThreads = 8;
    std::vector<Tensor> inputs, expected;
    for (int t = 0; t < kThreads; ++t) {
        const auto x = seeded(kC * kH * kW, 100 + static_cast<uint32_t>(t));
        inputs.push_back(Tensor::from_vector<float>({1, kC, kH, kW}, x));
        expected.push_back(session.run({{"x", inputs.back()}})[0]);
        const auto want = net.reference(x);
        ASSERT_EQ(expected.back().numel(), kClasses);
        for (int k = 0; k < kClasses; ++k)
            EXPECT_NEAR(expected.back().data<float>()[k], want[k], 1e-5) << "thread input " << t << " class " << k;
    }

    const int runs = runs_per_thread();
    std::atomic<int> mismatches{0}, failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < runs; ++i) {
                try {
                    const Tensor y = session.run({{"x", inputs[t]}})[0];
                    if (y.nbytes() != expected[t].nbytes() || std::memcmp(y.raw(), expected[t].raw(), y.nbytes()) != 0)
                        ++mismatches;
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(mismatches.load(), 0) << "of " << kThreads * runs << " runs";
}
