// SPDX-License-Identifier: MIT
// Session-level behaviour: input checking, plan caching across shapes, dynamic mode, threads.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "support/test_support.hpp"

using namespace konnx;
using konnx::test::run_single_node;
using konnx::test::session_from_model;
using konnx::test::single_node_model;
using konnx::test::tensors_close;

TEST(Session, AddBroadcastsLikeNumpy) {
    // numpy: np.array([[1,2,3],[4,5,6]]) + np.array([10,20,30]) == [[11,22,33],[14,25,36]]
    auto a = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
    auto b = Tensor::from_vector<float>({3}, {10, 20, 30});
    auto y = run_single_node("Add", {a, b}, 1);
    EXPECT_TRUE(tensors_close(y[0], Tensor::from_vector<float>({2, 3}, {11, 22, 33, 14, 25, 36})));
}

TEST(Session, RejectsWrongInputsWithClearErrors) {
    auto model = single_node_model("Relu", {Tensor::zeros(DType::kFloat32, {1, 4})}, 1);
    Session session = session_from_model(model);
    EXPECT_THROW(session.run({}), Error);
    EXPECT_THROW(session.run({{"nope", Tensor::zeros(DType::kFloat32, {1, 4})}}), Error);
    EXPECT_THROW(session.run({{"x0", Tensor::zeros(DType::kInt64, {1, 4})}}), Error);
    EXPECT_THROW(session.run({{"x0", Tensor::zeros(DType::kFloat32, {1, 5})}}), Error);
    try {
        session.run({{"x0", Tensor::zeros(DType::kFloat32, {2, 4})}});
        FAIL() << "expected a shape error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
        EXPECT_NE(std::string(e.what()).find("x0"), std::string::npos);
    }
}

TEST(Session, ListsEveryMissingOpAtLoad) {
    auto model = single_node_model("Relu", {Tensor::zeros(DType::kFloat32, {2})}, 1);
    graph::Node extra;
    extra.op_type = "NotARealOp";
    extra.inputs = {"y0"};
    extra.outputs = {"z"};
    model.graph.nodes.push_back(extra);
    extra.op_type = "FooBar";
    extra.domain = "com.example";
    extra.outputs = {"w"};
    model.graph.nodes.push_back(extra);
    model.opsets.push_back({"com.example", 1});
    try {
        session_from_model(model);
        FAIL() << "expected kUnsupported";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
        const std::string what = e.what();
        EXPECT_NE(what.find("NotARealOp"), std::string::npos) << what;
        EXPECT_NE(what.find("FooBar"), std::string::npos) << what;
    }
}

TEST(Session, RejectsGraphCyclesAndDanglingInputs) {
    auto model = single_node_model("Relu", {Tensor::zeros(DType::kFloat32, {2})}, 1);
    model.graph.nodes[0].inputs = {"undefined_value"};
    EXPECT_THROW(session_from_model(model), Error);
    auto cyclic =
        single_node_model("Add", {Tensor::zeros(DType::kFloat32, {2}), Tensor::zeros(DType::kFloat32, {2})}, 1);
    cyclic.graph.nodes[0].inputs[1] = "loop";
    graph::Node back;
    back.op_type = "Relu";
    back.inputs = {"y0"};
    back.outputs = {"loop"};
    cyclic.graph.nodes.push_back(back);
    EXPECT_THROW(session_from_model(cyclic), Error);
}

TEST(Session, ConcurrentRunsGiveIdenticalResults) {
    auto model =
        single_node_model("Add", {Tensor::zeros(DType::kFloat32, {64}), Tensor::zeros(DType::kFloat32, {64})}, 1);
    Session session = session_from_model(model);
    std::vector<float> av(64), bv(64);
    for (int i = 0; i < 64; ++i)
        av[i] = static_cast<float>(i) * 0.5f, bv[i] = static_cast<float>(64 - i);
    auto a = Tensor::from_vector<float>({64}, av), b = Tensor::from_vector<float>({64}, bv);
    const auto reference = session.run({{"x0", a}, {"x1", b}})[0];
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                auto y = session.run({{"x0", a}, {"x1", b}})[0];
                if (std::memcmp(y.raw(), reference.raw(), y.nbytes()) != 0) ++mismatches;
            }
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(mismatches.load(), 0);
}
