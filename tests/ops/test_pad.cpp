// SPDX-License-Identifier: MIT
// Pad with constant pads (planned path), checked against numpy.pad results, plus crop and bad pads.
#include <gtest/gtest.h>

#include "ops/tensor_test_util.hpp"

using namespace konnx;
using konnx::test::run_with_constants;
using konnx::test::tensors_close;

namespace {

graph::Attribute str_attr(std::string s) {
    graph::Attribute a;
    a.kind = graph::Attribute::Kind::kString;
    a.s = std::move(s);
    return a;
}
Tensor f32(Shape shape, std::vector<float> v) { return Tensor::from_vector<float>(std::move(shape), v); }
Tensor i64(std::vector<int64_t> v) { return Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v); }

}  // namespace

TEST(Pad, ModesMatchNumpy) {
    const Tensor x = f32({3}, {1, 2, 3});
    // np.pad([1,2,3], (2,1), mode) for reflect / edge / constant 9
    auto y = run_with_constants("Pad", {x, i64({2, 1})}, 1, {{"mode", str_attr("reflect")}});
    EXPECT_TRUE(tensors_close(y[0], f32({6}, {3, 2, 1, 2, 3, 2})));
    y = run_with_constants("Pad", {x, i64({2, 1})}, 1, {{"mode", str_attr("edge")}});
    EXPECT_TRUE(tensors_close(y[0], f32({6}, {1, 1, 1, 2, 3, 3})));
    y = run_with_constants("Pad", {x, i64({2, 1}), Tensor::scalar<float>(9)}, 1);
    EXPECT_TRUE(tensors_close(y[0], f32({6}, {9, 9, 1, 2, 3, 9})));
}

TEST(Pad, TwoDimensionalAndCropping) {
    // np.pad([[1,2],[3,4]], ((1,0),(0,1))) == [[0,0,0],[1,2,0],[3,4,0]]
    auto y = run_with_constants("Pad", {f32({2, 2}, {1, 2, 3, 4}), i64({1, 0, 0, 1})}, 1);
    EXPECT_TRUE(tensors_close(y[0], f32({3, 3}, {0, 0, 0, 1, 2, 0, 3, 4, 0})));
    // Negative pads crop: [1,2,3] with pads (-1, 0) -> [2,3]
    y = run_with_constants("Pad", {f32({3}, {1, 2, 3}), i64({-1, 0})}, 1);
    EXPECT_TRUE(tensors_close(y[0], f32({2}, {2, 3})));
}

TEST(Pad, RejectsBadPads) {
    EXPECT_THROW(run_with_constants("Pad", {f32({3}, {1, 2, 3}), i64({1})}, 1), Error);
    EXPECT_THROW(run_with_constants("Pad", {f32({3}, {1, 2, 3}), i64({-2, -2})}, 1), Error);
    EXPECT_THROW(run_with_constants("Pad", {f32({3}, {1, 2, 3}), i64({3, 0})}, 1, {{"mode", str_attr("reflect")}}),
                 Error);
}

TEST(TileAndExpand, PlannedWithConstantParameters) {
    // np.tile([[1,2]], (2,2)) == [[1,2,1,2],[1,2,1,2]]
    auto y = run_with_constants("Tile", {f32({1, 2}, {1, 2}), i64({2, 2})}, 1);
    EXPECT_TRUE(tensors_close(y[0], f32({2, 4}, {1, 2, 1, 2, 1, 2, 1, 2})));
    // np.broadcast_to([[1],[2]], (2,3))
    y = run_with_constants("Expand", {f32({2, 1}, {1, 2}), i64({1, 3})}, 1);
    EXPECT_TRUE(tensors_close(y[0], f32({2, 3}, {1, 1, 1, 2, 2, 2})));
}
