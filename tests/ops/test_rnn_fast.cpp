// SPDX-License-Identifier: MIT
// The optimized float32 path of RNN / GRU / LSTM (ops/support/rnn_fast.cpp) against the reference kernel, over
// random configurations: every cell (GRU with linear_before_reset 0 and 1), direction, batch 1, 3 and 9,
// sequence lengths 1 and 7, with and without bias, initial states and (LSTM) peepholes. The reference
// kernel itself is checked against PyTorch / NumPy (test_rnn.cpp) and the ONNX backend vectors.
#include <cmath>

#include "ops/nn_test_helpers.hpp"
#include "ops/support/op.hpp"
#include "ops/support/rnn_fast.hpp"

namespace konnx {
namespace {

using test::Attrs;
using test::random_tensor;

struct Config {
    std::string op;
    int64_t gates = 1;
    bool linear_before_reset = false;
    std::string direction;
    int64_t batch = 1, seq = 1;
    bool bias = false, initial = false, peephole = false;
    int64_t hidden = 6;
};

constexpr int64_t kInput = 5;

int64_t dirs_of(const Config& c) { return c.direction == "bidirectional" ? 2 : 1; }

std::vector<Tensor> inputs_of(const Config& c, uint32_t seed) {
    const int64_t D = dirs_of(c), gh = c.gates * c.hidden;
    // Weights at the usual initializers' scale: with uniform(-1, 1) and 128 units a plain RNN is chaotic and
    // magnifies rounding differences past any useful tolerance within a few steps.
    const float w = 1.0f / std::sqrt(static_cast<float>(c.hidden));
    std::vector<Tensor> in{random_tensor({c.seq, c.batch, kInput}, seed),
                           random_tensor({D, gh, kInput}, seed + 1, -w, w),
                           random_tensor({D, gh, c.hidden}, seed + 2, -w, w),
                           c.bias ? random_tensor({D, 2 * gh}, seed + 3) : Tensor(), Tensor()};
    if (c.initial) {
        in.push_back(random_tensor({D, c.batch, c.hidden}, seed + 4));
        if (c.op == "LSTM") in.push_back(random_tensor({D, c.batch, c.hidden}, seed + 5));
    }
    if (c.peephole) {
        in.resize(7);
        in.push_back(random_tensor({D, 3 * c.hidden}, seed + 6));
    }
    while (!in.back().defined())
        in.pop_back();
    return in;
}

Attrs attrs_of(const Config& c) {
    Attrs a{{"hidden_size", graph::Attribute::of_int(c.hidden)},
            {"direction", graph::Attribute::of_string(c.direction)}};
    if (c.op == "GRU") a.emplace_back("linear_before_reset", graph::Attribute::of_int(c.linear_before_reset));
    return a;
}

std::string describe(const Config& c) {
    return cat(c.op, c.op == "GRU" ? cat(" lbr=", c.linear_before_reset) : "", " ", c.direction, " H=", c.hidden,
               " N=", c.batch, " T=", c.seq, c.bias ? " bias" : "", c.initial ? " initial" : "",
               c.peephole ? " peephole" : "");
}

/// Builds the node's kernel at optimization level 2 with W, R, B and P constant, as the planner would.
std::unique_ptr<ops::Kernel> optimized_kernel(const Config& c, const std::vector<Tensor>& in) {
    graph::Node node;
    node.op_type = c.op;
    for (std::size_t i = 0; i < in.size(); ++i)
        node.inputs.push_back(in[i].defined() ? cat("x", i) : "");
    node.outputs = {"y", "y_h"};
    if (c.op == "LSTM") node.outputs.push_back("y_c");
    node.attributes = attrs_of(c);
    std::vector<ops::ValueFacts> facts;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const bool constant = i == 1 || i == 2 || i == 3 || i == 7;
        facts.push_back({in[i].dtype(), in[i].shape(), constant && in[i].defined() ? &in[i] : nullptr});
    }
    const int64_t D = dirs_of(c);
    std::vector<ops::ValueFacts> outs{{DType::kFloat32, {c.seq, D, c.batch, c.hidden}, nullptr},
                                      {DType::kFloat32, {D, c.batch, c.hidden}, nullptr},
                                      {DType::kFloat32, {D, c.batch, c.hidden}, nullptr}};
    ops::KernelInit init(node, 14, facts, std::span(outs).first(node.outputs.size()), true);
    return ops::OpRegistry::global().find("", c.op, 14)->make_kernel(init);
}

void check(const Config& c, uint32_t seed, const Tensor& lens = Tensor()) {
    SCOPED_TRACE(describe(c));
    std::vector<Tensor> in = inputs_of(c, seed);
    if (lens.defined()) {
        if (in.size() < 5) in.resize(5);
        in[4] = lens;
    }
    ASSERT_TRUE(ops::is_fast_rnn_kernel(*optimized_kernel(c, in))) << "the fast path was not taken";
    const std::size_t n_out = c.op == "LSTM" ? 3 : 2;
    const auto want = test::run_node_with_constants(c.op, in, {}, n_out, attrs_of(c), 0, 14);
    const auto got = test::run_node_with_constants(c.op, in, {1, 2, 3, 7}, n_out, attrs_of(c), 2, 14);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_TRUE(test::tensors_close(got[i], want[i], 1e-5, 1e-5)) << "output " << i;
}

TEST(RnnFast, FastPathMatchesReference) {
    const std::vector<Config> cells = {{"RNN", 1}, {"GRU", 3, false}, {"GRU", 3, true}, {"LSTM", 4}};
    uint32_t seed = 1;
    for (Config c : cells)
        for (const char* direction : {"forward", "reverse", "bidirectional"})
            for (int64_t batch : {1, 3, 9})
                for (int64_t seq : {1, 7})
                    for (int extras = 0; extras < 3; ++extras) {  // none, bias + initial states, + peepholes
                        c.direction = direction, c.batch = batch, c.seq = seq;
                        c.bias = c.initial = extras >= 1;
                        c.peephole = extras == 2 && c.op == "LSTM";
                        if (extras == 2 && c.op != "LSTM") c.initial = false;  // bias alone
                        check(c, seed += 10);
                    }
}

// Batch 1, one direction, R·h of at least 2^20 multiply-adds: the hidden units are split across the
// session's threads (when it has more than one), each thread computing its slice of every gate.
TEST(RnnFast, SplitSequenceMatchesReference) {
    uint32_t seed = 500;
    for (Config c : std::vector<Config>{{"RNN", 1}, {"GRU", 3, true}, {"GRU", 3, false}, {"LSTM", 4}})
        for (const char* direction : {"forward", "reverse"})
            for (int extras = 0; extras < 2; ++extras) {
                c.direction = direction, c.batch = 1, c.seq = 5,
                c.hidden = c.op == "RNN"   ? 1024
                           : c.op == "GRU" ? 640
                                           : 512;
                c.bias = c.initial = extras == 1;
                c.peephole = extras == 1 && c.op == "LSTM";
                check(c, seed += 10);
            }
}

TEST(RnnFast, SequenceLensFallBackWhenShorter) {
    Config c{"LSTM", 4, false, "bidirectional", 3, 7, true, true};
    check(c, 7, Tensor::from_vector<int32_t>({3}, {7, 7, 7}));  // all full: the fast path
    check(c, 8, Tensor::from_vector<int32_t>({3}, {7, 2, 0}));  // per-row lengths: the reference runs
    c.op = "GRU", c.gates = 3, c.linear_before_reset = true;
    check(c, 9, Tensor::from_vector<int64_t>({3}, {1, 7, 4}));
}

}  // namespace
}  // namespace konnx
