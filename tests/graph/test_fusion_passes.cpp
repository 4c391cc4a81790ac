// SPDX-License-Identifier: MIT
// The conv fusion and layout passes: what is left of the graph (node counts, attributes), and the
// fused graph's outputs against the unfused graph run on the reference kernels (optimization level 0,
// itself checked against the ONNX backend test vectors). Level 1 runs the fused graph on the reference
// FusedConv kernel, level 2 on oneDNN post-ops and blocked layouts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "graph/internal_ops.hpp"
#include "graph/passes/passes.hpp"
#include "runtime/optimize_context.hpp"
#include "support/test_support.hpp"

using namespace konnx;
using namespace konnx::graph;
using konnx::test::session_from_model;
using konnx::test::tensors_close;

namespace {

Tensor random_tensor(Shape shape, uint32_t seed, float scale = 1.f) {
    Tensor t = Tensor::empty(DType::kFloat32, shape);
    uint32_t s = seed * 2654435761u + 1;
    for (int64_t i = 0; i < t.numel(); ++i) {
        s = s * 1664525u + 1013904223u;
        t.data<float>()[i] = scale * (static_cast<float>(s >> 8) / 8388608.f - 1.f);  // [-scale, scale)
    }
    return t;
}

Node node(std::string op, std::vector<std::string> in, std::vector<std::string> out) {
    Node n;
    n.op_type = std::move(op);
    n.inputs = std::move(in);
    n.outputs = std::move(out);
    n.name = n.outputs[0];
    return n;
}

// A Conv with weights "<out>_w" [m, c/group, k, k] and bias "<out>_b", padding k/2.
Node conv(Model& m, const std::string& in, const std::string& out, int64_t c, int64_t mch, int64_t k, int64_t group = 1,
          int64_t stride = 1) {
    m.graph.initializers[out + "_w"] =
        random_tensor({mch, c / group, k, k}, static_cast<uint32_t>(out.size() * 31 + mch),
                      1.f / std::sqrt(static_cast<float>(c / group * k * k)));
    m.graph.initializers[out + "_b"] = random_tensor({mch}, static_cast<uint32_t>(mch + 7), 0.1f);
    Node n = node("Conv", {in, out + "_w", out + "_b"}, {out});
    n.set_attr("pads", Attribute::of_ints({k / 2, k / 2, k / 2, k / 2}));
    n.set_attr("group", Attribute::of_int(group));
    n.set_attr("strides", Attribute::of_ints({stride, stride}));
    return n;
}

Model model_with_input(Shape x) {
    Model m;
    m.opsets.push_back({"", 14});
    std::vector<Dim> dims;
    for (int64_t d : x)
        dims.push_back(Dim{d, ""});
    m.graph.inputs = {{"x", DType::kFloat32, dims, true, ""}};
    m.graph.outputs = {{"y"}};
    return m;
}

std::size_t count_op(const Model& m, const std::string& op) {
    return static_cast<std::size_t>(
        std::count_if(m.graph.nodes.begin(), m.graph.nodes.end(), [&](const Node& n) { return n.op_type == op; }));
}

// Runs `m` at levels 0, 1 and 2 and expects the same output.
void expect_levels_agree(const Model& m, const Tensor& x, double rtol = 1e-4, double atol = 1e-5) {
    std::vector<Tensor> outs;
    for (int level : {0, 1, 2}) {
        SessionOptions options;
        options.optimization_level = level;
        options.threads = 1;
        outs.push_back(session_from_model(m, options).run({{"x", x}})[0]);
    }
    EXPECT_TRUE(tensors_close(outs[1], outs[0], rtol, atol)) << "level 1 (fused, reference) vs level 0";
    EXPECT_TRUE(tensors_close(outs[2], outs[0], rtol, atol)) << "level 2 (fused, oneDNN) vs level 0";
}

struct ActivationCase {
    std::string op;
    std::vector<std::pair<std::string, Attribute>> attrs;
    std::vector<float> params;  // expected activation_params
};

class FuseConvActivation : public ::testing::TestWithParam<ActivationCase> {};

TEST_P(FuseConvActivation, FoldsTheActivationIntoTheConv) {
    const ActivationCase& c = GetParam();
    Model m = model_with_input({1, 8, 9, 9});
    m.graph.nodes.push_back(conv(m, "x", "c", 8, 16, 3));
    Node act = node(c.op, {"c"}, {"y"});
    for (const auto& [k, v] : c.attrs)
        act.set_attr(k, v);
    if (c.op == "Clip") {  // opset 13: bounds are inputs (Constant-free initializers here)
        m.graph.initializers["lo"] = Tensor::from_vector<float>({}, {-0.25f});
        m.graph.initializers["hi"] = Tensor::from_vector<float>({}, {0.5f});
        act.inputs = {"c", "lo", "hi"};
    }
    m.graph.nodes.push_back(act);
    const Model original = m;

    EXPECT_TRUE(fuse_conv_activation(m));
    ASSERT_EQ(m.graph.nodes.size(), 1u);
    const Node& f = m.graph.nodes[0];
    EXPECT_EQ(f.op_type, "FusedConv");
    EXPECT_EQ(f.domain, kInternalDomain);
    EXPECT_EQ(f.outputs[0], "y");
    ASSERT_NE(f.find_attr("activation"), nullptr);
    EXPECT_EQ(f.find_attr("activation")->s, c.op);
    const Attribute* params = f.find_attr("activation_params");
    EXPECT_EQ(params ? params->floats : std::vector<float>{}, c.params);

    expect_levels_agree(original, random_tensor({1, 8, 9, 9}, 3, 2.f));
}

INSTANTIATE_TEST_SUITE_P(Passes, FuseConvActivation,
                         ::testing::Values(ActivationCase{"Relu", {}, {}},
                                           ActivationCase{"LeakyRelu", {{"alpha", Attribute::of_float(0.1f)}}, {0.1f}},
                                           ActivationCase{"Clip", {}, {-0.25f, 0.5f}},
                                           ActivationCase{"Sigmoid", {}, {}},
                                           ActivationCase{"HardSigmoid", {}, {0.2f, 0.5f}},
                                           ActivationCase{"HardSwish", {}, {}}, ActivationCase{"Tanh", {}, {}},
                                           ActivationCase{"Elu", {{"alpha", Attribute::of_float(0.7f)}}, {0.7f}}),
                         [](const auto& info) { return info.param.op; });

TEST(FuseConvActivation, LeavesActivationsWithOtherReaders) {
    Model m = model_with_input({1, 4, 5, 5});
    m.graph.nodes = {conv(m, "x", "c", 4, 4, 3), node("Relu", {"c"}, {"r"}), node("Add", {"c", "r"}, {"y"})};
    EXPECT_FALSE(fuse_conv_activation(m));
    EXPECT_EQ(m.graph.nodes.size(), 3u);
}

// Two branches meet in a residual add, then Relu: ResNet's bottleneck join.
Model residual_model() {
    Model m = model_with_input({1, 16, 10, 10});
    m.graph.nodes = {conv(m, "x", "a", 16, 32, 3), conv(m, "x", "b", 16, 32, 1), node("Add", {"a", "b"}, {"s"}),
                     node("Relu", {"s"}, {"y"})};
    return m;
}

TEST(FuseConvAdd, FoldsResidualAddAndFollowingRelu) {
    Model m = residual_model();
    const Model original = m;
    EXPECT_TRUE(fuse_conv_add(m, runtime::infer_value_types(m)));
    EXPECT_TRUE(fuse_conv_activation(m));
    ASSERT_EQ(m.graph.nodes.size(), 2u);
    const Node& f = m.graph.nodes[1];  // takes the Add's place, after "b"
    EXPECT_EQ(f.op_type, "FusedConv");
    ASSERT_EQ(f.inputs.size(), 4u);
    EXPECT_EQ(f.inputs[3], "b");
    EXPECT_EQ(f.outputs[0], "y");
    EXPECT_EQ(f.find_attr("post_activation")->s, "Relu");
    EXPECT_EQ(f.find_attr("activation"), nullptr);
    expect_levels_agree(original, random_tensor({1, 16, 10, 10}, 5));
}

TEST(FuseConvAdd, KeepsBroadcastingAdds) {
    Model m = model_with_input({1, 4, 6, 6});
    m.graph.initializers["shift"] = random_tensor({4, 1, 1}, 9);
    m.graph.nodes = {conv(m, "x", "c", 4, 4, 3), node("Add", {"c", "shift"}, {"y"})};
    EXPECT_FALSE(fuse_conv_add(m, runtime::infer_value_types(m)));
    EXPECT_EQ(m.graph.nodes.size(), 2u);
}

TEST(FuseConvAdd, FusesAcrossASymbolicBatch) {
    // Keras models declare [N, ...] inputs: both operands are [N, 32, 10, 10] for every N.
    Model m = residual_model();
    m.graph.inputs[0].shape[0] = Dim{-1, "N"};
    const Model original = m;
    EXPECT_TRUE(fuse_conv_add(m, runtime::infer_value_types(m)));
    EXPECT_EQ(count_op(m, "Add"), 0u);
    expect_levels_agree(original, random_tensor({1, 16, 10, 10}, 5));
    expect_levels_agree(original, random_tensor({3, 16, 10, 10}, 6));
}

TEST(FuseConvAdd, KeepsAddsThatBroadcastForSomeBatches) {
    // [N, 4, 6, 6] + [1, 4, 6, 6]: the same shape when N = 1 only, so the Add must stay.
    Model m = model_with_input({1, 4, 6, 6});
    m.graph.inputs[0].shape[0] = Dim{-1, "N"};
    m.graph.initializers["z"] = random_tensor({1, 4, 6, 6}, 9);
    m.graph.nodes = {conv(m, "x", "c", 4, 4, 3), node("Add", {"c", "z"}, {"y"})};
    EXPECT_FALSE(fuse_conv_add(m, runtime::infer_value_types(m)));
    // Two different symbols: [N, ...] + [M, ...] agree only when N = M.
    Model two = residual_model();
    two.graph.inputs[0].shape[0] = Dim{-1, "N"};
    two.graph.inputs.push_back(
        {"x2", DType::kFloat32, {Dim{-1, "M"}, Dim{32, ""}, Dim{10, ""}, Dim{10, ""}}, true, ""});
    two.graph.nodes = {conv(two, "x", "a", 16, 32, 3), node("Add", {"a", "x2"}, {"y"})};
    EXPECT_FALSE(fuse_conv_add(two, runtime::infer_value_types(two)));
}

// Runs a model the passes already rewrote (internal ops, layouts fixed) at level 0 (reference
// FusedConv/Reorder kernels) and level 2 (oneDNN in those layouts), against the original at level 0.
void expect_rewritten_agrees(const Model& rewritten, const Model& original, const Tensor& x, double rtol = 1e-4,
                             double atol = 1e-5) {
    SessionOptions reference;
    reference.optimization_level = 0;
    reference.threads = 1;
    const Tensor want = session_from_model(original, reference).run({{"x", x}})[0];
    for (int level : {0, 2}) {
        SessionOptions options = reference;
        options.optimization_level = level;
        const Tensor got = session_from_model(rewritten, options).run({{"x", x}})[0];
        EXPECT_TRUE(tensors_close(got, want, rtol, atol)) << "level " << level;
    }
}

class PropagateLayouts : public ::testing::TestWithParam<std::string> {};

TEST_P(PropagateLayouts, KeepsConvChainsInTheLayoutWithReordersOnlyAtTheEdges) {
    Model m = residual_model();
    m.graph.nodes.back().outputs[0] = "r";
    m.graph.nodes.push_back(conv(m, "r", "d", 32, 32, 3));
    m.graph.nodes.push_back(node("GlobalAveragePool", {"d"}, {"y"}));
    const Model original = m;
    optimize(m, 1, runtime::optimize_context());
    EXPECT_TRUE(propagate_layouts(m, GetParam()));
    // 3 convs (one with the residual and Relu fused); one Reorder: the input into the layout (read by
    // two convs, converted once). None between, and none after: the pool reads the layout itself.
    EXPECT_EQ(count_op(m, "FusedConv"), 3u);
    EXPECT_EQ(count_op(m, "Reorder"), 1u);
    for (const Node& n : m.graph.nodes)
        if (n.op_type == "FusedConv") {
            EXPECT_EQ(n.find_attr("y_layout")->s, GetParam()) << n.name;
            EXPECT_EQ(n.find_attr("x_layout")->s, GetParam()) << n.name;
        }
    EXPECT_EQ(m.graph.nodes.back().op_type, "LayoutGlobalAveragePool");
    EXPECT_EQ(m.graph.nodes.back().inputs[0], "d/" + GetParam());
    EXPECT_EQ(m.graph.nodes.back().find_attr("channels")->i, 32);
    EXPECT_FALSE(propagate_layouts(m, GetParam())) << "a second run must leave the graph alone";
    expect_rewritten_agrees(m, original, random_tensor({1, 16, 10, 10}, 6));
    expect_levels_agree(original, random_tensor({1, 16, 10, 10}, 6));  // with this CPU's preferred layout
}

// The pool at the end of a CNN reads the region's layout; 24 channels leave the last 16-wide block
// (and the last 8-wide one: 24 = 3 x 8, so nChw8c has none) partly padding.
TEST_P(PropagateLayouts, GlobalAveragePoolReadsTheLayoutWithPaddedBlocks) {
    Model m = model_with_input({2, 3, 9, 9});
    m.graph.nodes = {conv(m, "x", "c", 3, 24, 3), node("Relu", {"c"}, {"r"}), node("GlobalAveragePool", {"r"}, {"y"})};
    const Model original = m;
    optimize(m, 1, runtime::optimize_context());
    EXPECT_TRUE(propagate_layouts(m, GetParam()));
    EXPECT_EQ(count_op(m, "LayoutGlobalAveragePool"), 1u);
    EXPECT_EQ(count_op(m, "GlobalAveragePool"), 0u);
    expect_rewritten_agrees(m, original, random_tensor({2, 3, 9, 9}, 8));
}

// ResNet's stem: conv + ReLU, 3x3 stride-2 max pool, then the first block's conv. The pool joins the
// region, so nothing is reordered between the stem and the pool at the end.
TEST_P(PropagateLayouts, MaxPoolJoinsTheRegion) {
    Model m = model_with_input({1, 8, 15, 15});
    Node pool = node("MaxPool", {"r"}, {"p"});
    pool.set_attr("kernel_shape", Attribute::of_ints({3, 3}));
    pool.set_attr("strides", Attribute::of_ints({2, 2}));
    pool.set_attr("pads", Attribute::of_ints({1, 1, 1, 1}));
    m.graph.nodes = {conv(m, "x", "c", 8, 24, 3), node("Relu", {"c"}, {"r"}), pool, conv(m, "p", "d", 24, 24, 3),
                     node("GlobalAveragePool", {"d"}, {"y"})};
    const Model original = m;
    optimize(m, 1, runtime::optimize_context());
    EXPECT_TRUE(propagate_layouts(m, GetParam()));
    EXPECT_EQ(count_op(m, "LayoutMaxPool"), 1u);
    EXPECT_EQ(count_op(m, "Reorder"), 1u);  // only the input into the layout
    expect_rewritten_agrees(m, original, random_tensor({1, 8, 15, 15}, 10));
    expect_levels_agree(original, random_tensor({1, 8, 15, 15}, 10));
}

// MobileNetV2's inverted residual: 1x1 expand + ReLU6, depthwise 3x3 + ReLU6, 1x1 project, residual add;
// 24 channels do not fill 16-wide blocks, so blocked layouts' padding channels are exercised.
TEST_P(PropagateLayouts, DepthwiseBlockWithPaddedChannels) {
    Model m = model_with_input({1, 3, 16, 16});
    m.graph.initializers["zero"] = Tensor::from_vector<float>({}, {0.f});
    m.graph.initializers["six"] = Tensor::from_vector<float>({}, {6.f});
    m.graph.nodes = {conv(m, "x", "stem", 3, 24, 3, 1, 2),  node("Clip", {"stem", "zero", "six"}, {"s6"}),
                     conv(m, "s6", "e", 24, 144, 1),        node("Clip", {"e", "zero", "six"}, {"e6"}),
                     conv(m, "e6", "dw", 144, 144, 3, 144), node("Clip", {"dw", "zero", "six"}, {"dw6"}),
                     conv(m, "dw6", "p", 144, 24, 1),       node("Add", {"p", "s6"}, {"y"})};
    const Model original = m;
    optimize(m, 1, runtime::optimize_context());
    EXPECT_EQ(count_op(m, "FusedConv"), 4u);
    EXPECT_EQ(count_op(m, "Clip"), 0u);
    EXPECT_EQ(count_op(m, "Add"), 0u);
    EXPECT_TRUE(propagate_layouts(m, GetParam()));
    // The graph output back to plain, and the image into NHWC; blocked layouts read the 3-channel
    // image plain rather than padding it to a whole channel block.
    const bool nhwc = GetParam() == "NHWC";
    EXPECT_EQ(count_op(m, "Reorder"), nhwc ? 2u : 1u);
    EXPECT_EQ(m.graph.nodes[nhwc ? 1 : 0].find_attr("x_layout")->s, nhwc ? "NHWC" : "NCHW");
    expect_rewritten_agrees(m, original, random_tensor({1, 3, 16, 16}, 8, 3.f));
    expect_levels_agree(original, random_tensor({1, 3, 16, 16}, 8, 3.f));
}

// Winograd trades exact summation order for fewer multiplies: the rewritten graph must stay within
// the tolerance the model tests use against PyTorch (rtol 1e-3, atol 1e-4).
TEST(PropagateLayoutsWinograd, MarksOnly3x3Stride1ConvsAndStaysAccurate) {
    Model m = residual_model();
    m.graph.nodes.back().outputs[0] = "r";
    m.graph.nodes.push_back(conv(m, "r", "d", 32, 32, 3));
    m.graph.nodes.push_back(conv(m, "d", "e", 32, 32, 3, 1, 2));  // stride 2: direct
    m.graph.nodes.push_back(node("GlobalAveragePool", {"e"}, {"y"}));
    const Model original = m;
    optimize(m, 1, runtime::optimize_context());
    EXPECT_TRUE(propagate_layouts(m, "nChw16c", true));
    std::vector<std::string> winograd;
    for (const Node& n : m.graph.nodes)
        if (const Attribute* a = n.find_attr("algorithm"); a && a->s == "winograd") winograd.push_back(n.name);
    EXPECT_EQ(winograd, (std::vector<std::string>{"a", "d"}));  // not the 1x1 "b", not the strided "e"
    expect_rewritten_agrees(m, original, random_tensor({1, 16, 10, 10}, 11), 1e-3, 1e-4);
}

// optimize() at level 2 chooses Winograd only for graphs with an eligible conv of a large output
// (32x32 and up); small images keep direct convs, still in nChw16c. Either way the outputs match the
// reference kernels.
TEST(OptimizeWinograd, OnlyForLargeOutputs) {
    for (const int64_t size : {12, 40}) {
        Model m = model_with_input({1, 16, size, size});
        m.graph.nodes.push_back(conv(m, "x", "c", 16, 32, 3));
        m.graph.nodes.push_back(node("Relu", {"c"}, {"y"}));
        const Model original = m;
        OptimizeContext context = runtime::optimize_context();
        context.winograd = true;  // the decision, whatever this CPU offers
        context.conv_layout = "NHWC";
        optimize(m, 2, context);
        const auto fused = std::find_if(m.graph.nodes.begin(), m.graph.nodes.end(),
                                        [](const Node& n) { return n.op_type == "FusedConv"; });
        ASSERT_NE(fused, m.graph.nodes.end());
        const Attribute* algorithm = fused->find_attr("algorithm");
        EXPECT_EQ(algorithm && algorithm->s == "winograd", size == 40) << size << "x" << size;
        ASSERT_NE(fused->find_attr("y_layout"), nullptr);
        EXPECT_EQ(fused->find_attr("y_layout")->s, "nChw16c") << size << "x" << size;
        expect_levels_agree(original, random_tensor({1, 16, size, size}, 12), 1e-3, 1e-4);
    }
}

INSTANTIATE_TEST_SUITE_P(Passes, PropagateLayouts, ::testing::Values("NHWC", "nChw16c", "nChw8c"));

}  // namespace

namespace {

// x -> Pad(pads over H and W, constant value `value`) -> Conv 3x3 with pads 1 -> y.
Model pad_conv_model(float value) {
    Model m = model_with_input({1, 4, 7, 6});
    m.graph.initializers["pads"] = Tensor::from_vector<int64_t>({8}, {0, 0, 2, 1, 0, 0, 1, 3});
    m.graph.initializers["value"] = Tensor::from_vector<float>({}, {value});
    m.graph.nodes.push_back(node("Pad", {"x", "pads", "value"}, {"p"}));
    m.graph.nodes.push_back(conv(m, "p", "y", 4, 8, 3));
    return m;
}

}  // namespace

TEST(FusePadConv, FoldsZeroPaddingIntoTheConvPads) {
    Model m = pad_conv_model(0.f);
    const Model original = m;
    EXPECT_TRUE(fuse_pad_conv(m));
    ASSERT_EQ(m.graph.nodes.size(), 1u);
    const Node& c = m.graph.nodes[0];
    EXPECT_EQ(c.op_type, "Conv");
    EXPECT_EQ(c.inputs[0], "x");
    ASSERT_NE(c.find_attr("pads"), nullptr);
    EXPECT_EQ(c.find_attr("pads")->ints, (std::vector<int64_t>{1 + 2, 1 + 1, 1 + 1, 1 + 3}));
    expect_levels_agree(original, random_tensor({1, 4, 7, 6}, 5, 2.f));
}

TEST(FusePadConv, KeepsPaddingWithAnotherValue) {
    Model m = pad_conv_model(0.5f);
    const Model original = m;
    EXPECT_FALSE(fuse_pad_conv(m));
    EXPECT_EQ(count_op(m, "Pad"), 1u);
    expect_levels_agree(original, random_tensor({1, 4, 7, 6}, 6, 2.f));
}

TEST(FusePadConv, FoldsZeroPaddingThroughTheInputTranspose) {
    // What konnx convert writes for a Keras ZeroPadding2D + Conv2D at the NHWC input.
    Model m = model_with_input({1, 7, 6, 4});
    m.graph.initializers["pads"] = Tensor::from_vector<int64_t>({8}, {0, 3, 2, 0, 0, 1, 3, 0});
    m.graph.nodes.push_back(node("Pad", {"x", "pads"}, {"p"}));
    Node t = node("Transpose", {"p"}, {"t"});
    t.set_attr("perm", Attribute::of_ints({0, 3, 1, 2}));
    m.graph.nodes.push_back(t);
    m.graph.nodes.push_back(conv(m, "t", "y", 4, 8, 3));
    const Model original = m;
    EXPECT_TRUE(fuse_pad_conv(m));
    EXPECT_EQ(count_op(m, "Pad"), 0u);
    ASSERT_EQ(m.graph.nodes.size(), 2u);
    EXPECT_EQ(m.graph.nodes[0].inputs[0], "x");
    EXPECT_EQ(m.graph.nodes[1].find_attr("pads")->ints, (std::vector<int64_t>{1 + 3, 1 + 2, 1 + 1, 1 + 3}));
    expect_levels_agree(original, random_tensor({1, 7, 6, 4}, 7, 2.f));
}

namespace {

// x -> [Relu] -> Pad(zeros, 1 on each side of H and W) -> MaxPool 3x3 stride 2: Keras ResNet50's pool1.
Model pad_pool_model(bool relu_first) {
    Model m = model_with_input({1, 4, 9, 8});
    m.graph.initializers["pads"] = Tensor::from_vector<int64_t>({8}, {0, 0, 1, 1, 0, 0, 1, 1});
    if (relu_first) m.graph.nodes.push_back(node("Relu", {"x"}, {"r"}));
    m.graph.nodes.push_back(node("Pad", {relu_first ? "r" : "x", "pads"}, {"p"}));
    Node pool = node("MaxPool", {"p"}, {"y"});
    pool.set_attr("kernel_shape", Attribute::of_ints({3, 3}));
    pool.set_attr("strides", Attribute::of_ints({2, 2}));
    m.graph.nodes.push_back(pool);
    return m;
}

}  // namespace

TEST(FusePadConv, FoldsZeroPaddingIntoAMaxPoolOfAReluOutput) {
    Model m = pad_pool_model(true);
    const Model original = m;
    EXPECT_TRUE(fuse_pad_conv(m));
    EXPECT_EQ(count_op(m, "Pad"), 0u);
    const Node& pool = m.graph.nodes.back();
    EXPECT_EQ(pool.inputs[0], "r");
    EXPECT_EQ(pool.find_attr("pads")->ints, (std::vector<int64_t>{1, 1, 1, 1}));
    expect_levels_agree(original, random_tensor({1, 4, 9, 8}, 8, 2.f));
}

TEST(FusePadConv, KeepsZeroPaddingBeforeAMaxPoolOfSignedValues) {
    // A zero in the window beats negative values: the pool's own padding (ignored taps) would not.
    Model m = pad_pool_model(false);
    EXPECT_FALSE(fuse_pad_conv(m));
    EXPECT_EQ(count_op(m, "Pad"), 1u);
}
