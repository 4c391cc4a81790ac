// SPDX-License-Identifier: MIT
// Slice, Gather and Reshape with constant (initializer) parameters, so the planned path is exercised
// (the ONNX node tests feed them as runtime inputs, which runs in dynamic mode), and hostile inputs.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/shape.hpp"
#include "support/test_support.hpp"

using namespace konnx;
using konnx::test::session_from_model;
using konnx::test::single_node_model;
using konnx::test::tensors_close;

namespace {

// Runs a single node whose inputs from index `first_const` on are initializers.
std::vector<Tensor> run_with_constants(const std::string& op, const std::vector<Tensor>& inputs,
                                       std::size_t first_const, int opset = 17, std::size_t outputs = 1) {
    auto model = single_node_model(op, inputs, outputs, {}, opset);
    for (std::size_t i = first_const; i < inputs.size(); ++i) {
        if (!inputs[i].defined()) continue;
        const std::string name = cat("x", i);
        model.graph.initializers[name] = inputs[i];
        std::erase_if(model.graph.inputs, [&](const graph::ValueInfo& v) { return v.name == name; });
    }
    Session session = session_from_model(model);
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (std::size_t i = 0; i < first_const; ++i)
        feeds.emplace_back(cat("x", i), inputs[i]);
    return session.run(feeds);
}

Tensor i64(std::vector<int64_t> v) { return Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v); }

Tensor arange(Shape shape) {
    Tensor t = Tensor::empty(DType::kFloat32, shape);
    for (int64_t i = 0; i < t.numel(); ++i)
        t.data<float>()[i] = static_cast<float>(i);
    return t;
}

}  // namespace

TEST(Slice, NegativeStepsAndClampingWithConstantParameters) {
    // numpy: np.arange(20).reshape(4,5)[10:-10:-2, -1:1:-1] == [[19,18,17],[9,8,7]]
    auto y = run_with_constants("Slice", {arange({4, 5}), i64({10, -1}), i64({-10, 1}), i64({0, 1}), i64({-2, -1})}, 1);
    EXPECT_TRUE(tensors_close(y[0], Tensor::from_vector<float>({2, 3}, {19, 18, 17, 9, 8, 7})));
}

TEST(Slice, StepOneInnermostAndNegativeAxes) {
    // numpy: np.arange(24).reshape(2,3,4)[:, 1:3, 1:] -> rows [5,6,7],[9,10,11],[17,18,19],[21,22,23]
    auto y = run_with_constants("Slice", {arange({2, 3, 4}), i64({1, 1}), i64({3, 100}), i64({-2, -1})}, 1);
    EXPECT_TRUE(tensors_close(
        y[0], Tensor::from_vector<float>({2, 2, 3}, {5, 6, 7, 9, 10, 11, 17, 18, 19, 21, 22, 23})));
}

TEST(Slice, RejectsZeroStep) {
    EXPECT_THROW(run_with_constants("Slice", {arange({4}), i64({0}), i64({4}), i64({0}), i64({0})}, 1), Error);
}

TEST(Reshape, ConstantShapeWithZeroAndMinusOne) {
    auto y = run_with_constants("Reshape", {arange({2, 3, 4}), i64({0, -1})}, 1);
    EXPECT_EQ(y[0].shape(), (Shape{2, 12}));
    EXPECT_THROW(run_with_constants("Reshape", {arange({2, 3, 4}), i64({-1, -1})}, 1), Error);
    EXPECT_THROW(run_with_constants("Reshape", {arange({2, 3, 4}), i64({5, -1})}, 1), Error);
}

TEST(Gather, OutOfRangeIndexIsAnErrorNotACrash) {
    try {
        run_with_constants("Gather", {arange({3, 2}), i64({0, 3})}, 1);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
    }
    // Negative indices wrap: np.arange(6).reshape(3,2)[[-1, 0]] == [[4,5],[0,1]]
    auto y = run_with_constants("Gather", {arange({3, 2}), i64({-1, 0})}, 1);
    EXPECT_TRUE(tensors_close(y[0], Tensor::from_vector<float>({2, 2}, {4, 5, 0, 1})));
}

TEST(ScatterND, OutOfRangeIndexIsAnError) {
    auto idx = Tensor::from_vector<int64_t>({1, 1}, {7});
    EXPECT_THROW(run_with_constants("ScatterND", {arange({4}), idx, Tensor::from_vector<float>({1}, {1})}, 1), Error);
}
