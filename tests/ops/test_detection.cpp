// SPDX-License-Identifier: MIT
// NonMaxSuppression, GridSample and RoiAlign cases the ONNX vectors miss: no max_output, rounding of nearest
// sampling, border padding, hostile ROIs. Expected values are hand-derived from the ONNX operator definitions.
#include <gtest/gtest.h>

#include <limits>

#include "support/test_support.hpp"

using namespace konnx;
using konnx::test::run_single_node;
using konnx::test::tensors_close;

namespace {

Tensor f32(Shape shape, std::vector<float> v) { return Tensor::from_vector<float>(std::move(shape), v); }

}  // namespace

TEST(NonMaxSuppression, NoBoxesWithoutMaxOutputAndBadShapes) {
    const Tensor boxes = f32({1, 2, 4}, {0, 0, 1, 1, 0, 0, 1, 1});
    const Tensor scores = f32({1, 1, 2}, {0.9f, 0.8f});
    // max_output_boxes_per_class absent = 0: nothing selected
    auto y = run_single_node("NonMaxSuppression", {boxes, scores}, 1);
    EXPECT_EQ(y[0].shape(), (Shape{0, 3}));
    // Two identical boxes, IoU 1 > 0.5: only the higher-scoring one (box 0) survives
    y = run_single_node("NonMaxSuppression", {boxes, scores, Tensor::scalar<int64_t>(5), Tensor::scalar<float>(0.5f)},
                        1);
    EXPECT_TRUE(tensors_close(y[0], Tensor::from_vector<int64_t>({1, 3}, {0, 0, 0})));
    EXPECT_THROW(run_single_node("NonMaxSuppression", {f32({1, 2, 3}, {0, 0, 1, 0, 0, 1}), scores}, 1), Error);
}

TEST(GridSample, NearestRoundsHalfToEvenWithAlignedCorners) {
    // 2x2 image [[1, 2], [3, 4]], align_corners: -1 and 1 are the corner pixel centers, 0 maps to 0.5 -> 0 (even)
    const Tensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
    const Tensor grid = f32({1, 1, 3, 2}, {-1, -1, 1, 1, 0, 0});
    const auto y = run_single_node(
        "GridSample", {x, grid}, 1,
        {{"mode", graph::Attribute::of_string("nearest")}, {"align_corners", graph::Attribute::of_int(1)}});
    EXPECT_TRUE(tensors_close(y[0], f32({1, 1, 1, 3}, {1, 4, 1})));
}

TEST(GridSample, BorderPaddingClampsOutsideSamples) {
    // Bilinear, align_corners 0: x = 3 is far right of the 2-wide image; border clamps it to column 1
    const Tensor x = f32({1, 1, 1, 2}, {5, 7});
    const auto y = run_single_node("GridSample", {x, f32({1, 1, 1, 2}, {3, 0})}, 1,
                                   {{"padding_mode", graph::Attribute::of_string("border")}});
    EXPECT_TRUE(tensors_close(y[0], f32({1, 1, 1, 1}, {7})));
}

TEST(RoiAlign, AveragesBilinearSamplesAndRejectsNanRois) {
    // 2x2 image [[0, 1], [2, 3]], one ROI covering it, 1x1 output, 1 sample at the ROI center (0.5, 0.5) with
    // output_half_pixel (opset 10 behaviour): bilinear = 1.5
    const Tensor x = f32({1, 1, 2, 2}, {0, 1, 2, 3});
    const Tensor batch = Tensor::from_vector<int64_t>({1}, {0});
    auto y = run_single_node("RoiAlign", {x, f32({1, 4}, {0, 0, 1, 1}), batch}, 1,
                             {{"sampling_ratio", graph::Attribute::of_int(1)}}, 10);
    EXPECT_TRUE(tensors_close(y[0], f32({1, 1, 1, 1}, {1.5f})));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(run_single_node("RoiAlign", {x, f32({1, 4}, {0, 0, nan, 1}), batch}, 1), Error);
}
