// SPDX-License-Identifier: MIT
// Cases the ONNX vectors miss for the NN ops: the global pools and LpPool at a supported opset
// (their node tests are opset 1), and BatchNormalization training mode on a hand-derived case.
#include <gtest/gtest.h>

#include <cmath>

#include "ops/nn_test_helpers.hpp"

using namespace konnx;
using namespace konnx::test;
using graph::Attribute;

TEST(GlobalPool, AverageAndMaxPerPlane) {
    // planes [1,2,3,4] and [5,6,7,8]: means 2.5 and 6.5, maxima 4 and 8
    auto x = Tensor::from_vector<float>({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    for (int level : {0, 2}) {
        auto avg = run_node_with_constants("GlobalAveragePool", {x}, {}, 1, {}, level);
        EXPECT_TRUE(tensors_close(avg[0], Tensor::from_vector<float>({1, 2, 1, 1}, {2.5f, 6.5f})));
        auto max = run_node_with_constants("GlobalMaxPool", {x}, {}, 1, {}, level);
        EXPECT_TRUE(tensors_close(max[0], Tensor::from_vector<float>({1, 2, 1, 1}, {4, 8})));
    }
}

TEST(LpPool, NormOfEachWindow) {
    // windows [3,4] and [4,-12]: L2 norms 5 and sqrt(160), L1 norms 7 and 16
    auto x = Tensor::from_vector<float>({1, 1, 3}, {3, 4, -12});
    auto l2 = run_single_node("LpPool", {x}, 1, {{"kernel_shape", Attribute::of_ints({2})}});
    EXPECT_TRUE(tensors_close(l2[0], Tensor::from_vector<float>({1, 1, 2}, {5, std::sqrt(160.0f)})));
    auto l1 =
        run_single_node("LpPool", {x}, 1, {{"kernel_shape", Attribute::of_ints({2})}, {"p", Attribute::of_int(1)}});
    EXPECT_TRUE(tensors_close(l1[0], Tensor::from_vector<float>({1, 1, 2}, {7, 16})));
    // a left pad contributes 0: windows [pad,3], [4,-12] with stride 2
    auto padded = run_single_node("LpPool", {x}, 1,
                                  {{"kernel_shape", Attribute::of_ints({2})},
                                   {"strides", Attribute::of_ints({2})},
                                   {"pads", Attribute::of_ints({1, 0})}});
    EXPECT_TRUE(tensors_close(padded[0], Tensor::from_vector<float>({1, 1, 2}, {3, std::sqrt(160.0f)})));
}

TEST(BatchNormalization, ConstantAndRuntimeParametersAgree) {
    // y = (x - mean) / sqrt(var + eps) * scale + B with eps 0: channel 0 (x-1)/2*3+1, channel 1 (x+1)/1*0.5
    auto x = Tensor::from_vector<float>({1, 2, 2}, {1, 5, -1, 3});
    auto scale = Tensor::from_vector<float>({2}, {3, 0.5f});
    auto bias = Tensor::from_vector<float>({2}, {1, 0});
    auto mean = Tensor::from_vector<float>({2}, {1, -1});
    auto var = Tensor::from_vector<float>({2}, {4, 1});
    auto want = Tensor::from_vector<float>({1, 2, 2}, {1, 7, 0, 2});
    const Attrs attrs{{"epsilon", Attribute::of_float(0)}};
    for (const std::vector<std::size_t>& constant : std::vector<std::vector<std::size_t>>{{}, {1, 2, 3, 4}}) {
        auto y = run_node_with_constants("BatchNormalization", {x, scale, bias, mean, var}, constant, 1, attrs, 2, 15);
        EXPECT_TRUE(tensors_close(y[0], want));
    }
}

TEST(BatchNormalization, TrainingModeUsesBatchStatistics) {
    // X [1, 2, 2]: channel 0 = [1, 3] (mean 2, population variance 1), channel 1 = [2, 2] (mean 2, variance 0).
    // scale 1, B 0, running mean 0 and var 1, epsilon 1e-5, momentum 0.9 (defaults), per ONNX's reference:
    //   Y = (X - batch mean) / sqrt(batch var + eps); running = old * 0.9 + batch * 0.1
    const auto ones = Tensor::from_vector<float>({2}, {1, 1});
    const auto zeros = Tensor::from_vector<float>({2}, {0, 0});
    const auto y = run_single_node("BatchNormalization",
                                   {Tensor::from_vector<float>({1, 2, 2}, {1, 3, 2, 2}), ones, zeros, zeros, ones}, 3,
                                   {{"training_mode", Attribute::of_int(1)}}, 15);
    const float d = 1.0f / std::sqrt(1.0f + 1e-5f);
    EXPECT_TRUE(tensors_close(y[0], Tensor::from_vector<float>({1, 2, 2}, {-d, d, 0, 0})));
    EXPECT_TRUE(tensors_close(y[1], Tensor::from_vector<float>({2}, {0.2f, 0.2f})));
    EXPECT_TRUE(tensors_close(y[2], Tensor::from_vector<float>({2}, {1.0f, 0.9f})));
}
