// SPDX-License-Identifier: MIT
// OneHot with float indices: the ONNX node tests cover the in-range cases; these check what the spec leaves
// to the runtime — NaN and huge indices (converting them to an integer is undefined in C++) give an
// all-off row, like any index outside [-depth, depth).
#include <gtest/gtest.h>

#include <limits>

#include "ops/tensor_test_util.hpp"

using namespace konnx;

TEST(OneHot, FloatIndicesOutOfIntegerRangeGiveAllOffRows) {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const Tensor indices = Tensor::from_vector<float>({5}, {1.f, nan, 1e30f, -inf, -1.f});
    const Tensor depth = Tensor::from_vector<float>({1}, {3.f});
    const Tensor values = Tensor::from_vector<float>({2}, {0.f, 5.f});
    const auto y = test::run_with_constants("OneHot", {indices, depth, values}, 1);
    const Tensor expected = Tensor::from_vector<float>({5, 3}, {0, 5, 0,  //
                                                                0, 0, 0,  // NaN
                                                                0, 0, 0,  // 1e30
                                                                0, 0, 0,  // -inf
                                                                0, 0, 5});
    EXPECT_TRUE(test::tensors_close(y[0], expected, 0, 0));
}
