// SPDX-License-Identifier: MIT
// DFT options the ONNX vectors do not exercise (onesided output, dft_length padding and truncation).
// Expected values are hand-derived from numpy.fft.fft's definition.
#include <gtest/gtest.h>

#include "support/test_support.hpp"

using namespace konnx;
using konnx::test::run_single_node;
using konnx::test::tensors_close;

namespace {

Tensor f32(Shape shape, std::vector<float> v) { return Tensor::from_vector<float>(std::move(shape), v); }

}  // namespace

TEST(DFT, OnesidedWithZeroPadding) {
    // numpy.fft.rfft([1, 2, 3, 0]) = [6, -2-2j, 2]
    const auto y = run_single_node("DFT", {f32({1, 3, 1}, {1, 2, 3}), Tensor::scalar<int64_t>(4)}, 1,
                                   {{"onesided", graph::Attribute::of_int(1)}});
    EXPECT_TRUE(tensors_close(y[0], f32({1, 3, 2}, {6, 0, -2, -2, 2, 0}), 1e-5, 1e-5));
}

TEST(DFT, TruncatesToDftLengthAndInverts) {
    // numpy.fft.fft([1, 2]) = [3, -1]; numpy.fft.ifft([3, -1]) = [1, 2]
    const auto y = run_single_node("DFT", {f32({1, 3, 1}, {1, 2, 3}), Tensor::scalar<int64_t>(2)}, 1);
    EXPECT_TRUE(tensors_close(y[0], f32({1, 2, 2}, {3, 0, -1, 0}), 1e-5, 1e-5));
    const auto back = run_single_node("DFT", {y[0]}, 1, {{"inverse", graph::Attribute::of_int(1)}});
    EXPECT_TRUE(tensors_close(back[0], f32({1, 2, 2}, {1, 0, 2, 0}), 1e-5, 1e-5));
}

TEST(DFT, RejectsTheComponentAxis) {
    EXPECT_THROW(run_single_node("DFT", {f32({1, 3, 1}, {1, 2, 3})}, 1, {{"axis", graph::Attribute::of_int(2)}}),
                 Error);
    EXPECT_THROW(run_single_node("DFT", {f32({1, 3, 1}, {1, 2, 3})}, 1, {{"axis", graph::Attribute::of_int(-1)}}),
                 Error);
}
