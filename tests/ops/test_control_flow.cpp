// SPDX-License-Identifier: MIT
// If / Loop / Scan on hand-built graphs, covering what the ONNX node tests do not: outer-scope values seen
// from bodies, zero-trip loops, Scan's axes and directions (opset 11), opset 8's batched Scan with
// sequence_lens. Expected values are worked out by hand in the comments.
#include "support/test_support.hpp"

namespace konnx {
namespace {

using graph::Attribute;
using graph::Graph;
using graph::Node;
using graph::ValueInfo;

ValueInfo vi(const std::string& name, DType dtype, std::vector<int64_t> shape) {
    ValueInfo v{name, dtype, {}, true, ""};
    for (int64_t d : shape)
        v.shape.push_back(Dim{d, ""});
    return v;
}

ValueInfo vi_unknown(const std::string& name, DType dtype) { return ValueInfo{name, dtype, {}, false, ""}; }

Node node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out,
          std::vector<std::pair<std::string, Attribute>> attrs = {}) {
    Node n;
    n.op_type = op;
    n.name = out.empty() ? op : out[0];
    n.inputs = std::move(in);
    n.outputs = std::move(out);
    n.attributes = std::move(attrs);
    return n;
}

Attribute graph_attr(Graph g) { return Attribute::of_graph(std::make_shared<Graph>(std::move(g))); }

std::vector<Tensor> run(graph::Model model, const std::vector<std::pair<std::string, Tensor>>& feeds) {
    return test::session_from_model(model).run(feeds);
}

Tensor floats(Shape shape, std::vector<float> v) { return Tensor::from_vector<float>(std::move(shape), v); }

// v <- v + w each iteration, w from the enclosing graph; scan output collects v.
graph::Model loop_model() {
    Graph body;
    body.name = "body";
    body.inputs = {vi("i", DType::kInt64, {}), vi("cond_in", DType::kBool, {}), vi("v_in", DType::kFloat32, {2})};
    body.outputs = {vi_unknown("cond_out", DType::kBool), vi_unknown("v_out", DType::kFloat32),
                    vi_unknown("scan", DType::kFloat32)};
    body.nodes = {node("Identity", {"cond_in"}, {"cond_out"}), node("Add", {"v_in", "w"}, {"v_out"}),
                  node("Identity", {"v_out"}, {"scan"})};
    graph::Model m;
    m.opsets.push_back({"", 16});
    m.graph.inputs = {vi("M", DType::kInt64, {}), vi("cond", DType::kBool, {}), vi("v0", DType::kFloat32, {2}),
                      vi("w", DType::kFloat32, {2})};
    m.graph.outputs = {vi_unknown("v_final", DType::kFloat32), vi_unknown("scans", DType::kFloat32)};
    m.graph.nodes = {node("Loop", {"M", "cond", "v0"}, {"v_final", "scans"}, {{"body", graph_attr(body)}})};
    return m;
}

TEST(Loop, CarriesValuesStacksScanOutputsAndSeesOuterScope) {
    const auto out = run(loop_model(), {{"M", Tensor::scalar<int64_t>(3)},
                                        {"cond", Tensor::scalar<bool>(true)},
                                        {"v0", floats({2}, {0, 10})},
                                        {"w", floats({2}, {1, 2})}});
    // v: [0,10] -> [1,12] -> [2,14] -> [3,16]
    EXPECT_TRUE(test::tensors_close(out[0], floats({2}, {3, 16})));
    EXPECT_TRUE(test::tensors_close(out[1], floats({3, 2}, {1, 12, 2, 14, 3, 16})));
}

TEST(Loop, FalseConditionRunsNoIteration) {
    const auto out = run(loop_model(), {{"M", Tensor::scalar<int64_t>(3)},
                                        {"cond", Tensor::scalar<bool>(false)},
                                        {"v0", floats({2}, {0, 10})},
                                        {"w", floats({2}, {1, 2})}});
    EXPECT_TRUE(test::tensors_close(out[0], floats({2}, {0, 10})));
    EXPECT_EQ(out[1].shape(), (Shape{0}));
}

// s <- s + x_t over axis 1 of x [2,3], reversed; y_t = s.
graph::Model scan11_model(int64_t output_direction) {
    Graph body;
    body.name = "body";
    body.inputs = {vi("s_in", DType::kFloat32, {2}), vi("x_t", DType::kFloat32, {2})};
    body.outputs = {vi_unknown("s_out", DType::kFloat32), vi_unknown("y_t", DType::kFloat32)};
    body.nodes = {node("Add", {"s_in", "x_t"}, {"s_out"}), node("Identity", {"s_out"}, {"y_t"})};
    graph::Model m;
    m.opsets.push_back({"", 11});
    m.graph.inputs = {vi("s0", DType::kFloat32, {2}), vi("x", DType::kFloat32, {2, 3})};
    m.graph.outputs = {vi_unknown("s", DType::kFloat32), vi_unknown("y", DType::kFloat32)};
    m.graph.nodes = {node("Scan", {"s0", "x"}, {"s", "y"},
                          {{"body", graph_attr(body)},
                           {"num_scan_inputs", Attribute::of_int(1)},
                           {"scan_input_axes", Attribute::of_ints({-1})},
                           {"scan_input_directions", Attribute::of_ints({1})},
                           {"scan_output_axes", Attribute::of_ints({1})},
                           {"scan_output_directions", Attribute::of_ints({output_direction})}})};
    return m;
}

TEST(Scan, Opset11AxesAndDirections) {
    const Tensor x = floats({2, 3}, {1, 2, 3, 4, 5, 6});
    // Steps see columns (3,6), (2,5), (1,4): s = (3,6), (5,11), (6,15).
    auto out = run(scan11_model(0), {{"s0", floats({2}, {0, 0})}, {"x", x}});
    EXPECT_TRUE(test::tensors_close(out[0], floats({2}, {6, 15})));
    EXPECT_TRUE(test::tensors_close(out[1], floats({2, 3}, {3, 5, 6, 6, 11, 15})));
    out = run(scan11_model(1), {{"s0", floats({2}, {0, 0})}, {"x", x}});
    EXPECT_TRUE(test::tensors_close(out[1], floats({2, 3}, {6, 5, 3, 15, 11, 6})));
}

TEST(Scan, Opset8BatchedWithSequenceLengths) {
    Graph body;
    body.name = "body";
    body.inputs = {vi("s_in", DType::kFloat32, {1}), vi("x_t", DType::kFloat32, {1})};
    body.outputs = {vi_unknown("s_out", DType::kFloat32), vi_unknown("y_t", DType::kFloat32)};
    body.nodes = {node("Add", {"s_in", "x_t"}, {"s_out"}), node("Identity", {"s_out"}, {"y_t"})};
    graph::Model m;
    m.opsets.push_back({"", 8});
    m.graph.inputs = {vi("lens", DType::kInt32, {2}), vi("s0", DType::kFloat32, {2, 1}),
                      vi("x", DType::kFloat32, {2, 3, 1})};
    m.graph.outputs = {vi_unknown("s", DType::kFloat32), vi_unknown("y", DType::kFloat32)};
    m.graph.nodes = {node("Scan", {"lens", "s0", "x"}, {"s", "y"},
                          {{"body", graph_attr(body)}, {"num_scan_inputs", Attribute::of_int(1)}})};
    const auto out = run(m, {{"lens", Tensor::from_vector<int32_t>({2}, {3, 1})},
                             {"s0", floats({2, 1}, {0, 100})},
                             {"x", floats({2, 3, 1}, {1, 2, 3, 4, 5, 6})}});
    // Row 0: cumsum 1, 3, 6. Row 1: only x=4 counts: 104, then zero padding.
    EXPECT_TRUE(test::tensors_close(out[0], floats({2, 1}, {6, 104})));
    EXPECT_TRUE(test::tensors_close(out[1], floats({2, 3, 1}, {1, 3, 6, 104, 0, 0})));
}

TEST(If, BranchesMayHaveDifferentShapesAndSeeOuterScope) {
    Graph then_branch, else_branch;
    then_branch.name = "then";
    then_branch.outputs = {vi_unknown("t", DType::kFloat32)};
    then_branch.nodes = {node("Identity", {"x"}, {"t"})};
    else_branch.name = "else";
    else_branch.outputs = {vi_unknown("e", DType::kFloat32)};
    else_branch.nodes = {node("Constant", {}, {"e"}, {{"value", Attribute::of_tensor(floats({1}, {7}))}})};
    graph::Model m;
    m.opsets.push_back({"", 13});
    m.graph.inputs = {vi("c", DType::kBool, {}), vi("x", DType::kFloat32, {3})};
    m.graph.outputs = {vi_unknown("y", DType::kFloat32)};
    m.graph.nodes = {node("If", {"c"}, {"y"},
                          {{"then_branch", graph_attr(then_branch)}, {"else_branch", graph_attr(else_branch)}})};
    const Tensor x = floats({3}, {1, 2, 3});
    EXPECT_TRUE(test::tensors_close(run(m, {{"c", Tensor::scalar<bool>(true)}, {"x", x}})[0], x));
    EXPECT_TRUE(test::tensors_close(run(m, {{"c", Tensor::scalar<bool>(false)}, {"x", x}})[0], floats({1}, {7})));
}

}  // namespace
}  // namespace konnx
