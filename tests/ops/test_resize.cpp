// SPDX-License-Identifier: MIT
// Resize with constant scales/sizes (planned path) on small cases derived by hand from the ONNX
// formulas (also PyTorch's interpolate results), and invalid parameters.
#include <gtest/gtest.h>

#include <limits>

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

TEST(Resize, LinearHalfPixelAndAlignCorners) {
    const Tensor x = f32({1, 2}, {0, 10});
    // half_pixel, 2x: source coords -0.25, 0.25, 0.75, 1.25 (clamped) -> [0, 2.5, 7.5, 10]
    // (torch.nn.functional.interpolate(..., scale_factor=2, mode='linear', align_corners=False))
    auto y = run_with_constants("Resize", {x, Tensor(), f32({2}, {1, 2})}, 1, {{"mode", str_attr("linear")}});
    EXPECT_TRUE(tensors_close(y[0], f32({1, 4}, {0, 2.5f, 7.5f, 10})));
    // align_corners to 3: [0, 5, 10]
    y = run_with_constants(
        "Resize", {x, Tensor(), Tensor(), i64({1, 3})}, 1,
        {{"mode", str_attr("linear")}, {"coordinate_transformation_mode", str_attr("align_corners")}});
    EXPECT_TRUE(tensors_close(y[0], f32({1, 3}, {0, 5, 10})));
}

TEST(Resize, NearestAsymmetricFloorIsAGather) {
    auto y = run_with_constants(
        "Resize", {f32({1, 1, 2}, {1, 2}), Tensor(), f32({3}, {1, 2, 2})}, 1,
        {{"coordinate_transformation_mode", str_attr("asymmetric")}, {"nearest_mode", str_attr("floor")}});
    EXPECT_TRUE(tensors_close(y[0], f32({1, 2, 4}, {1, 1, 2, 2, 1, 1, 2, 2})));
}

TEST(Resize, RejectsBadParameters) {
    const Tensor x = f32({1, 2}, {0, 10});
    EXPECT_THROW(run_with_constants("Resize", {x, Tensor(), f32({1}, {2})}, 1), Error);
    EXPECT_THROW(run_with_constants("Resize", {x, Tensor(), f32({2}, {1, -1})}, 1), Error);
    EXPECT_THROW(run_with_constants("Resize", {x, Tensor(), f32({2}, {1, 2})}, 1, {{"mode", str_attr("bogus")}}),
                 Error);
    // Scales whose output extent is not an int64 (inf, 1e30) are errors, not undefined conversions.
    const float inf = std::numeric_limits<float>::infinity();
    EXPECT_THROW(run_with_constants("Resize", {x, Tensor(), f32({2}, {1, inf})}, 1), Error);
    EXPECT_THROW(run_with_constants("Resize", {x, Tensor(), f32({2}, {1, 1e30f})}, 1), Error);
}
