// SPDX-License-Identifier: MIT
// Per-step thread counts (runtime/step_threads) from the ops' declared costs (OpDef::cost): the estimates
// against operation counts written out by hand, and which steps stay on one thread.
#include <gtest/gtest.h>

#include "runtime/step_threads.hpp"
#include "support/test_support.hpp"

using namespace konnx;

namespace {

graph::Node make_node(const std::string& op, std::size_t inputs) {
    graph::Node n;
    n.op_type = op;
    n.name = "n";
    for (std::size_t i = 0; i < inputs; ++i)
        n.inputs.push_back("in" + std::to_string(i));
    n.outputs = {"out"};
    return n;
}

ops::ValueFacts facts(Shape shape) { return {DType::kFloat32, std::move(shape), nullptr}; }

const ops::OpDef& def(const std::string& op) {
    const ops::OpDef* d = ops::OpRegistry::global().find("", op, 13);
    EXPECT_NE(d, nullptr) << op;
    return *d;
}

ops::OpCost cost_of(const graph::Node& n, const std::vector<ops::ValueFacts>& in,
                    const std::vector<ops::ValueFacts>& out) {
    const ops::KernelInit init(n, 13, in, out, true);
    return def(n.op_type).cost(init);
}

int threads_of(const graph::Node& n, const std::vector<ops::ValueFacts>& in, const std::vector<ops::ValueFacts>& out,
               int session) {
    const ops::KernelInit init(n, 13, in, out, true);
    return runtime::step_thread_count(def(n.op_type), init, session);
}

TEST(StepThreads, ConvAndGemmWorkIsTwoFlopsPerMultiplyAdd) {
    // Conv: 8 -> 16 channels, 3x3, 10x10 output: each output element is 8*3*3 multiply-adds.
    const auto conv = make_node("Conv", 3);
    const std::vector<ops::ValueFacts> conv_in{facts({1, 8, 12, 12}), facts({16, 8, 3, 3}), facts({16})};
    const std::vector<ops::ValueFacts> conv_out{facts({1, 16, 10, 10})};
    EXPECT_DOUBLE_EQ(cost_of(conv, conv_in, conv_out).flops, 2.0 * (16 * 10 * 10) * (8 * 3 * 3));

    // Gemm with transA: A is [K=784, M=64], so K comes from A's first dim.
    auto gemm = make_node("Gemm", 2);
    gemm.set_attr("transA", graph::Attribute::of_int(1));
    const std::vector<ops::ValueFacts> gemm_in{facts({784, 64}), facts({784, 512})};
    const std::vector<ops::ValueFacts> gemm_out{facts({64, 512})};
    EXPECT_DOUBLE_EQ(cost_of(gemm, gemm_in, gemm_out).flops, 2.0 * 64 * 512 * 784);
    // At batch 1 the same product is bound by reading B: its estimate counts B's elements as memory work.
    const std::vector<ops::ValueFacts> gemv_in{facts({784, 1}), facts({784, 512})};
    const std::vector<ops::ValueFacts> gemv_out{facts({1, 512})};
    EXPECT_GE(cost_of(gemm, gemv_in, gemv_out).elements, 512.0 * 784);

    // Elementwise ops count the elements they read and write.
    const auto relu = make_node("Relu", 1);
    EXPECT_DOUBLE_EQ(cost_of(relu, {facts({2, 3, 4})}, {facts({2, 3, 4})}).elements, 48);

    // An op that declares no cost stays with the session's threads.
    const auto lstm = make_node("LSTM", 3);
    EXPECT_EQ(def("LSTM").cost, nullptr);
    EXPECT_EQ(threads_of(lstm, gemm_in, gemm_out, 2), 2);
}

TEST(StepThreads, SmallStepsRunSeriallyLargeOnesUseTheSessionThreads) {
    const auto matmul = make_node("MatMul", 2);
    // Batch-1 dense 64 -> 32: 8 KB of weights, well under a microsecond of work.
    const std::vector<ops::ValueFacts> small_in{facts({1, 64}), facts({64, 32})};
    const std::vector<ops::ValueFacts> small_out{facts({1, 32})};
    EXPECT_EQ(threads_of(matmul, small_in, small_out, 2), 1);
    // Batch-1 dense 784 -> 512 streams 1.6 MB of weights: two cores read it faster (the Keras MLP's
    // 784-512-512-10 at batch 1: 19 us on 2 threads, 31 us on 1).
    const std::vector<ops::ValueFacts> dense_in{facts({1, 784}), facts({784, 512})};
    const std::vector<ops::ValueFacts> dense_out{facts({1, 512})};
    EXPECT_EQ(threads_of(matmul, dense_in, dense_out, 2), 2);
    // 256 x 1024 x 1024: 537 MFLOP.
    const std::vector<ops::ValueFacts> big_in{facts({256, 1024}), facts({1024, 1024})};
    const std::vector<ops::ValueFacts> big_out{facts({256, 1024})};
    EXPECT_EQ(threads_of(matmul, big_in, big_out, 2), 2);
    EXPECT_EQ(threads_of(matmul, big_in, big_out, 1), 1);
}

TEST(StepThreads, WeightPackingIsDeclaredOnTheOps) {
    // Conv, ConvTranspose, MatMul and Gemm pack a constant float32 W / B (input 1) at load; Add does not.
    for (const char* op : {"Conv", "ConvTranspose", "MatMul", "Gemm"})
        EXPECT_EQ(def(op).packed_float_inputs, 1u << 1) << op;
    EXPECT_EQ(def("Add").packed_float_inputs, 0u);
    const ops::OpDef* fused = ops::OpRegistry::global().find("ai.konnx", "FusedConv", 1);
    ASSERT_NE(fused, nullptr);
    EXPECT_EQ(fused->packed_float_inputs, 1u << 1);
}

}  // namespace
