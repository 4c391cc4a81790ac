// SPDX-License-Identifier: MIT
// Softmax/LogSoftmax/Hardmax before opset 13 coerce the input to 2-D at `axis` (the ONNX node tests only
// exercise opset 13). Expected values are hand-derived.
#include <cmath>

#include "support/test_support.hpp"

namespace konnx {
namespace {

const Tensor kX = Tensor::from_vector<float>({2, 2, 2}, {0, 1, 2, 3, 5, 5, 5, 5});

TEST(Softmax, Opset11CoercesTo2D) {
    // axis=1: rows are [0,1,2,3] and [5,5,5,5].
    const double s = 1 + std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    std::vector<float> want;
    for (int k = 0; k < 4; ++k)
        want.push_back(static_cast<float>(std::exp(k) / s));
    for (int k = 0; k < 4; ++k)
        want.push_back(0.25f);
    const auto got = test::run_single_node("Softmax", {kX}, 1, {{"axis", graph::Attribute::of_int(1)}}, 11);
    EXPECT_TRUE(test::tensors_close(got[0], Tensor::from_vector<float>({2, 2, 2}, want)));
    // Default axis (1) is the same for opset 11.
    EXPECT_TRUE(test::tensors_close(test::run_single_node("Softmax", {kX}, 1, {}, 11)[0],
                                    Tensor::from_vector<float>({2, 2, 2}, want)));
}

TEST(Softmax, Opset13IsPerAxis) {
    // axis=1 pairs (0,2), (1,3), (5,5), (5,5).
    const float a = static_cast<float>(1 / (1 + std::exp(2.0))), b = 1 - a;
    const auto got = test::run_single_node("Softmax", {kX}, 1, {{"axis", graph::Attribute::of_int(1)}}, 13);
    EXPECT_TRUE(test::tensors_close(got[0], Tensor::from_vector<float>({2, 2, 2}, {a, a, b, b, .5f, .5f, .5f, .5f})));
}

TEST(LogSoftmax, Opset11CoercesTo2D) {
    const double lse = std::log(1 + std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    std::vector<float> want;
    for (int k = 0; k < 4; ++k)
        want.push_back(static_cast<float>(k - lse));
    for (int k = 0; k < 4; ++k)
        want.push_back(static_cast<float>(-std::log(4.0)));
    const auto got = test::run_single_node("LogSoftmax", {kX}, 1, {}, 11);
    EXPECT_TRUE(test::tensors_close(got[0], Tensor::from_vector<float>({2, 2, 2}, want)));
}

TEST(Hardmax, Opset11CoercesTo2DFirstMaximumWins) {
    const auto got = test::run_single_node("Hardmax", {kX}, 1, {}, 11);
    EXPECT_TRUE(test::tensors_close(got[0], Tensor::from_vector<float>({2, 2, 2}, {0, 0, 0, 1, 1, 0, 0, 0})));
}

TEST(Softmax, RejectsAxisOutOfRange) {
    EXPECT_THROW(test::run_single_node("Softmax", {kX}, 1, {{"axis", graph::Attribute::of_int(3)}}, 13), Error);
}

}  // namespace
}  // namespace konnx
