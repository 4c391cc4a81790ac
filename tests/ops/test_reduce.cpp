// SPDX-License-Identifier: MIT
// Reduce* cases the ONNX 1.12 node tests lack: empty-set reductions (a reduced axis of length 0 gives each
// op's identity), axes as input 1 at opset 18, noop_with_empty_axes, integer types. Hand-derived values.
#include <cmath>
#include <limits>

#include "support/test_support.hpp"

namespace konnx {
namespace {

using graph::Attribute;

Tensor reduce(const std::string& op, const std::vector<Tensor>& inputs, int opset,
              std::vector<std::pair<std::string, Attribute>> attrs = {}) {
    return test::run_single_node(op, inputs, 1, std::move(attrs), opset)[0];
}

TEST(Reduce, EmptySetGivesIdentity) {
    const Tensor x = Tensor::zeros(DType::kFloat32, {2, 0, 3});
    const auto axes = std::vector<std::pair<std::string, Attribute>>{{"axes", Attribute::of_ints({1})}};
    const float inf = std::numeric_limits<float>::infinity();
    const Shape out{2, 1, 3};
    auto all = [&](float v) { return Tensor::from_vector<float>(out, std::vector<float>(6, v)); };
    EXPECT_TRUE(test::tensors_close(reduce("ReduceSum", {x, Tensor::from_vector<int64_t>({1}, {1})}, 13), all(0)));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceProd", {x}, 13, axes), all(1)));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceMax", {x}, 13, axes), all(-inf)));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceMin", {x}, 13, axes), all(inf)));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceL1", {x}, 13, axes), all(0)));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceL2", {x}, 13, axes), all(0)));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceSumSquare", {x}, 13, axes), all(0)));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceLogSum", {x}, 13, axes), all(-inf)));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceLogSumExp", {x}, 13, axes), all(-inf)));
    const Tensor mean = reduce("ReduceMean", {x}, 13, axes);
    ASSERT_EQ(mean.shape(), out);
    EXPECT_TRUE(std::isnan(mean.data<float>()[0]));
}

TEST(Reduce, AxesInputAtOpset18AndNoop) {
    const Tensor x = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
    EXPECT_TRUE(test::tensors_close(
        reduce("ReduceMean", {x, Tensor::from_vector<int64_t>({1}, {-1})}, 18, {{"keepdims", Attribute::of_int(0)}}),
        Tensor::from_vector<float>({2}, {2, 5})));
    // Empty axes: reduce everything, or nothing with noop_with_empty_axes.
    const Tensor none = Tensor::from_vector<int64_t>({0}, {});
    EXPECT_TRUE(test::tensors_close(reduce("ReduceMax", {x, none}, 18), Tensor::from_vector<float>({1, 1}, {6})));
    EXPECT_TRUE(
        test::tensors_close(reduce("ReduceSum", {x, none}, 13, {{"noop_with_empty_axes", Attribute::of_int(1)}}), x));
}

TEST(Reduce, IntegerTypes) {
    const Tensor x = Tensor::from_vector<int32_t>({2, 3}, {1, -2, 3, 4, 5, -6});
    const auto axes = std::vector<std::pair<std::string, Attribute>>{{"axes", Attribute::of_ints({1})},
                                                                     {"keepdims", Attribute::of_int(0)}};
    EXPECT_TRUE(test::tensors_close(
        reduce("ReduceSum", {x, Tensor::from_vector<int64_t>({1}, {1})}, 13, {{"keepdims", Attribute::of_int(0)}}),
        Tensor::from_vector<int32_t>({2}, {2, 3})));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceL1", {x}, 13, axes), Tensor::from_vector<int32_t>({2}, {6, 15})));
    EXPECT_TRUE(test::tensors_close(reduce("ReduceMin", {x}, 13, axes), Tensor::from_vector<int32_t>({2}, {-2, -6})));
    EXPECT_TRUE(
        test::tensors_close(reduce("ReduceProd", {x}, 13, axes), Tensor::from_vector<int32_t>({2}, {-6, -120})));
}

TEST(Reduce, RejectsBadAxes) {
    const Tensor x = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
    EXPECT_THROW(reduce("ReduceMean", {x}, 13, {{"axes", Attribute::of_ints({2})}}), Error);
    EXPECT_THROW(reduce("ReduceMean", {x}, 13, {{"axes", Attribute::of_ints({0, -2})}}), Error);
}

}  // namespace
}  // namespace konnx
