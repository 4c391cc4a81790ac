// SPDX-License-Identifier: MIT
// Graph passes, checked structurally (what is left) and, where the ops exist, numerically.
#include <gtest/gtest.h>

#include <cmath>
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

TEST(CancelTransposes, KeepsInitializersThatAreAlsoGraphInputs) {
    // IR < 4: an initializer listed among the graph inputs is a default the caller may override, so a Transpose
    // of it must not be folded away (the input would then have no initializer and become required).
    Model m = model_with({transpose("w", "wt", {1, 0}), make_node("Add", {"x", "wt"}, {"y"})});
    m.graph.initializers["w"] = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
    m.graph.inputs.push_back({"w", DType::kFloat32, {Dim{2, ""}, Dim{3, ""}}, true, ""});
    EXPECT_FALSE(cancel_transposes(m));
    ASSERT_EQ(m.graph.nodes.size(), 2u);
    EXPECT_TRUE(m.graph.initializers.count("w"));
}

TEST(CancelTransposes, LeavesTransposesWithOtherConsumers) {
    Model m = model_with(
        {transpose("x", "a", {0, 2, 3, 1}), make_node("Relu", {"a"}, {"b"}), make_node("Add", {"a", "b"}, {"y"})});
    EXPECT_FALSE(cancel_transposes(m));
    EXPECT_EQ(m.graph.nodes.size(), 3u);
}

// Regression: folding one BatchNormalization used to shift node indices, so a later BatchNormalization was
// folded into the Conv that came next in the list instead of its own producer (here convC instead of convB),
// leaving convC's output unproduced. Each BN must land in its own Conv; the unrelated Conv stays untouched.
TEST(FoldBatchnorm, PairsEachBatchNormWithItsOwnConv) {
    auto bn = [](std::string in, std::string prefix, std::string out) {
        return make_node("BatchNormalization",
                         {std::move(in), prefix + "_g", prefix + "_b", prefix + "_m", prefix + "_v"}, {std::move(out)});
    };
    Model m =
        model_with({make_node("Conv", {"x", "wa"}, {"a"}), bn("a", "bna", "a2"), make_node("Conv", {"a2", "wb"}, {"b"}),
                    make_node("Conv", {"x", "wc"}, {"c"}), bn("b", "bnb", "y")});
    m.graph.outputs = {{"y"}, {"c"}};
    auto& init = m.graph.initializers;
    init["wa"] = Tensor::from_vector<float>({1, 3, 1, 1}, {1, 2, 3});
    init["wb"] = Tensor::from_vector<float>({1, 1, 1, 1}, {2});
    init["wc"] = Tensor::from_vector<float>({1, 3, 1, 1}, {4, 5, 6});
    for (const char* p : {"bna", "bnb"}) {
        init[std::string(p) + "_g"] = Tensor::from_vector<float>({1}, {3});
        init[std::string(p) + "_b"] = Tensor::from_vector<float>({1}, {0.5f});
        init[std::string(p) + "_m"] = Tensor::from_vector<float>({1}, {0.25f});
        init[std::string(p) + "_v"] = Tensor::from_vector<float>({1}, {4});
    }
    EXPECT_TRUE(fold_batchnorm(m));
    ASSERT_EQ(m.graph.nodes.size(), 3u);
    std::map<std::string, const Node*> by_output;
    for (const auto& n : m.graph.nodes) {
        EXPECT_EQ(n.op_type, "Conv");
        by_output[n.outputs[0]] = &n;
    }
    ASSERT_TRUE(by_output.count("a2") && by_output.count("y") && by_output.count("c"));
    EXPECT_EQ(by_output["y"]->inputs[0], "a2");
    EXPECT_EQ(by_output["c"]->inputs[1], "wc");  // untouched
    // BN(conv(x)) = gamma * (w x - mean) / sqrt(var + eps) + beta: w' = w s, b' = beta - mean s.
    const float s = 3.0f / std::sqrt(4.0f + 1e-5f);
    const Node& yb = *by_output["y"];
    EXPECT_FLOAT_EQ(init.at(yb.inputs[1]).to_vector<float>()[0], 2 * s);
    EXPECT_FLOAT_EQ(init.at(yb.inputs[2]).to_vector<float>()[0], 0.5f - 0.25f * s);
}
