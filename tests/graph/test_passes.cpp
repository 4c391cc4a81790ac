// SPDX-License-Identifier: MIT
// Graph passes, checked structurally (what is left) and, where the ops exist, numerically.
#include <gtest/gtest.h>

#include <map>

#include "graph/passes/passes.hpp"

using namespace konnx;
using namespace konnx::graph;

namespace {
Node make_node(std::string op, std::vector<std::string> in, std::vector<std::string> out) {
    Node n;
    n.op_type = std::move(op);
    n.inputs = std::move(in);
    n.outputs = std::move(out);
    n.name = n.outputs[0];
    return n;
}
Node transpose(std::string in, std::string out, std::vector<int64_t> perm) {
    Node n = make_node("Transpose", {std::move(in)}, {std::move(out)});
    n.set_attr("perm", Attribute::of_ints(std::move(perm)));
    return n;
}
Model model_with(std::vector<Node> nodes) {
    Model m;
    m.opsets.push_back({"", 15});
    m.graph.inputs = {{"x", DType::kFloat32, {Dim{1, ""}, Dim{3, ""}, Dim{4, ""}, Dim{5, ""}}, true, ""}};
    m.graph.outputs = {{"y"}};
    m.graph.nodes = std::move(nodes);
    return m;
}
}  // namespace

TEST(CancelTransposes, RemovesNhwcRoundTripAroundUnaryOp) {
    Model m = model_with(
        {transpose("x", "a", {0, 2, 3, 1}), make_node("Relu", {"a"}, {"b"}), transpose("b", "y", {0, 3, 1, 2})});
    EXPECT_TRUE(cancel_transposes(m));
    ASSERT_EQ(m.graph.nodes.size(), 1u);
    EXPECT_EQ(m.graph.nodes[0].op_type, "Relu");
    EXPECT_EQ(m.graph.nodes[0].inputs[0], "x");
    EXPECT_EQ(m.graph.nodes[0].outputs[0], "y");
}

TEST(CancelTransposes, ComposesNonInversePairs) {
    Model m = model_with({transpose("x", "a", {0, 2, 3, 1}), transpose("a", "y", {0, 2, 3, 1})});
    EXPECT_TRUE(cancel_transposes(m));
    ASSERT_EQ(m.graph.nodes.size(), 1u);
    // out[k] = in[p[q[k]]] with p = q = (0,2,3,1): (0,3,1,2)
    EXPECT_EQ(m.graph.nodes[0].find_attr("perm")->ints, (std::vector<int64_t>{0, 3, 1, 2}));
    EXPECT_EQ(m.graph.nodes[0].inputs[0], "x");
}

TEST(CancelTransposes, FoldsConstantWeights) {
    Model m = model_with({transpose("w", "wt", {1, 0}), make_node("Add", {"x", "wt"}, {"y"})});
    m.graph.initializers["w"] = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
    EXPECT_TRUE(cancel_transposes(m));
    ASSERT_EQ(m.graph.nodes.size(), 1u);
    const Tensor& wt = m.graph.initializers.at("wt");
    EXPECT_EQ(wt.shape(), (Shape{3, 2}));
    EXPECT_EQ(wt.to_vector<float>(), (std::vector<float>{1, 4, 2, 5, 3, 6}));  // numpy: w.T
}

TEST(CancelTransposes, LeavesTransposesWithOtherConsumers) {
    Model m = model_with(
        {transpose("x", "a", {0, 2, 3, 1}), make_node("Relu", {"a"}, {"b"}), make_node("Add", {"a", "b"}, {"y"})});
    EXPECT_FALSE(cancel_transposes(m));
    EXPECT_EQ(m.graph.nodes.size(), 3u);
}

// Two Conv -> BatchNormalization pairs where the second BN's Conv is followed by another Conv: every BN must
// be folded into its own producer (an earlier fold must not shift which node is taken for the next one),
// with W' = W * s and B' = (B - mean) * s + beta, s = gamma / sqrt(var + eps) (ONNX BatchNormalization).
TEST(FoldBatchnorm, FoldsEachBnIntoItsOwnConv) {
    auto conv = [](std::string w, std::string out) { return make_node("Conv", {"x", std::move(w)}, {std::move(out)}); };
    auto bn = [](std::string in, std::string p, std::string out) {
        Node n =
            make_node("BatchNormalization", {std::move(in), p + "_g", p + "_b", p + "_m", p + "_v"}, {std::move(out)});
        n.set_attr("epsilon", Attribute::of_float(0.25f));
        return n;
    };
    Model m =
        model_with({conv("wa", "a0"), bn("a0", "bna", "a"), conv("wb", "b0"), conv("wd", "d"), bn("b0", "bnb", "b"),
                    make_node("Add", {"a", "b"}, {"ab"}), make_node("Add", {"ab", "d"}, {"y"})});
    for (const char* w : {"wa", "wb", "wd"})
        m.graph.initializers[w] = Tensor::from_vector<float>({2, 3, 1, 1}, {1, 2, 3, 4, 5, 6});
    for (const char* p : {"bna", "bnb"}) {
        const std::string s = p;
        m.graph.initializers[s + "_g"] = Tensor::from_vector<float>({2}, {2, 3});
        m.graph.initializers[s + "_b"] = Tensor::from_vector<float>({2}, {0.5f, -1});
        m.graph.initializers[s + "_m"] = Tensor::from_vector<float>({2}, {1, 2});
        m.graph.initializers[s + "_v"] = Tensor::from_vector<float>({2}, {3.75f, 0.75f});  // + eps: 4 and 1
    }
    EXPECT_TRUE(fold_batchnorm(m));
    ASSERT_EQ(m.graph.nodes.size(), 5u);
    std::map<std::string, const Node*> by_output;
    for (const auto& n : m.graph.nodes) {
        EXPECT_NE(n.op_type, "BatchNormalization");
        by_output[n.outputs[0]] = &n;
    }
    // s = (2 / 2, 3 / 1) = (1, 3); B' = (0 - 1) * 1 + 0.5, (0 - 2) * 3 - 1 = -0.5, -7.
    for (const char* out : {"a", "b"}) {
        ASSERT_TRUE(by_output.count(out)) << out;
        const Node& c = *by_output.at(out);
        EXPECT_EQ(c.op_type, "Conv");
        ASSERT_EQ(c.inputs.size(), 3u);
        EXPECT_EQ(m.graph.initializers.at(c.inputs[1]).to_vector<float>(), (std::vector<float>{1, 2, 3, 12, 15, 18}));
        EXPECT_EQ(m.graph.initializers.at(c.inputs[2]).to_vector<float>(), (std::vector<float>{-0.5f, -7}));
    }
    EXPECT_EQ(by_output.at("b")->inputs[1], "wb_bnfolded");
    ASSERT_TRUE(by_output.count("d"));  // the Conv after wb's keeps its output and its own weights
    EXPECT_EQ(by_output.at("d")->inputs, (std::vector<std::string>{"x", "wd"}));
    EXPECT_EQ(m.graph.initializers.at("wd").to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}
