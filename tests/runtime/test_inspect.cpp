// SPDX-License-Identifier: MIT
// konnx::inspect_model: interface, op histogram (subgraph-free here), parameters, unsupported ops.
#include <gtest/gtest.h>

#include "konnx/inspect.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

using namespace konnx;

TEST(Inspect, CountsOpsParametersAndUnsupportedOps) {
    graph::Model m;
    m.opsets = {{"", 13}, {"com.example", 1}};
    m.producer_name = "unit";
    m.producer_version = "9";
    m.metadata = {{"author", "me"}};
    m.graph.name = "g";
    m.graph.inputs.push_back({"x", DType::kFloat32, {Dim{-1, "N"}, Dim{4, ""}}, true, ""});
    m.graph.initializers["w"] = Tensor::zeros(DType::kFloat32, {4});           // 4 params, 16 bytes
    m.graph.inputs.push_back({"w", DType::kFloat32, {Dim{4, ""}}, true, ""});  // IR<4 style: listed as input
    graph::Node c;
    c.op_type = "Constant";
    c.outputs = {"c"};
    c.set_attr("value", graph::Attribute::of_tensor(Tensor::zeros(DType::kInt64, {3})));  // 3 params, 24 bytes
    graph::Node a;
    a.op_type = "Add";
    a.inputs = {"x", "w"};
    a.outputs = {"a"};
    graph::Node r1, r2;
    r1.op_type = r2.op_type = "Relu";
    r1.inputs = {"a"};
    r1.outputs = {"r1"};
    r2.inputs = {"r1"};
    r2.outputs = {"r2"};
    graph::Node f;
    f.op_type = "Foo";
    f.domain = "com.example";
    f.inputs = {"r2"};
    f.outputs = {"y"};
    m.graph.nodes = {c, a, r1, r2, f};
    m.graph.outputs.push_back({"y", DType::kFloat32, {}, false, ""});
    const std::string bytes = onnxio::serialize_model(m);
    const ModelSummary s = inspect_model(std::as_bytes(std::span(bytes.data(), bytes.size())));
    EXPECT_EQ(s.info.producer_name, "unit");
    EXPECT_EQ(s.info.opsets.at("com.example"), 1);
    ASSERT_EQ(s.inputs.size(), 1u);  // the initializer-backed "w" is not a caller input
    EXPECT_EQ(s.inputs[0].name, "x");
    EXPECT_EQ(s.inputs[0].shape[0].symbol, "N");
    EXPECT_EQ(s.nodes, 5);
    ASSERT_FALSE(s.op_histogram.empty());
    EXPECT_EQ(s.op_histogram[0], (std::pair<std::string, int64_t>{"Relu", 2}));  // most used first
    EXPECT_EQ(s.initializers, 1);
    EXPECT_EQ(s.parameter_count, 7);
    EXPECT_EQ(s.parameter_bytes, 40);
    EXPECT_NE(s.unsupported.find("Foo"), std::string::npos) << s.unsupported;
    EXPECT_THROW(inspect_model(std::string("/nonexistent/model.onnx")), Error);
}
