// SPDX-License-Identifier: MIT
// Quantization ops on cases the ONNX vectors miss: round half to even and saturation of QuantizeLinear,
// per-axis scales, int32 dequantization, per-row zero points of MatMulInteger, bad types. Expected values are
// hand-derived from the ONNX operator definitions.
#include <gtest/gtest.h>

#include "support/test_support.hpp"

using namespace konnx;
using konnx::test::run_single_node;
using konnx::test::tensors_close;

namespace {

template <class T>
Tensor make(Shape shape, std::vector<T> v) {
    return Tensor::from_vector<T>(std::move(shape), v);
}

}  // namespace

TEST(QuantizeLinear, RoundsHalfToEvenAndSaturates) {
    // round(x / 1) with ties to even, then clamp to int8: 2.5 -> 2, -2.5 -> -2, 3.5 -> 4, 200 -> 127, -200 -> -128
    const auto y = run_single_node(
        "QuantizeLinear",
        {make<float>({5}, {2.5f, -2.5f, 3.5f, 200.f, -200.f}), Tensor::scalar<float>(1.f), Tensor::scalar<int8_t>(0)},
        1);
    EXPECT_TRUE(tensors_close(y[0], make<int8_t>({5}, {2, -2, 4, 127, -128})));
    // uint8 without a zero point: negatives clamp to 0; 0.5 / 0.5 = 1, 1.25 / 0.5 = 2.5 -> 2
    const auto u =
        run_single_node("QuantizeLinear", {make<float>({3}, {-3.f, 0.5f, 1.25f}), Tensor::scalar<float>(0.5f)}, 1);
    EXPECT_TRUE(tensors_close(u[0], make<uint8_t>({3}, {0, 1, 2})));
}

TEST(QuantizeLinear, PerAxisScalesAndZeroPoints) {
    // axis 0 of [[1, 2], [3, 4]]: row 0 scale 1 zero point 0; row 1 scale 2 zero point 10 (3/2 = 1.5 -> 2)
    const auto y = run_single_node(
        "QuantizeLinear", {make<float>({2, 2}, {1, 2, 3, 4}), make<float>({2}, {1, 2}), make<uint8_t>({2}, {0, 10})}, 1,
        {{"axis", graph::Attribute::of_int(0)}});
    EXPECT_TRUE(tensors_close(y[0], make<uint8_t>({2, 2}, {1, 2, 12, 12})));
}

TEST(DequantizeLinear, Int32AndPerAxis) {
    const auto y = run_single_node("DequantizeLinear", {make<int32_t>({2}, {-5, 7}), Tensor::scalar<float>(0.5f)}, 1);
    EXPECT_TRUE(tensors_close(y[0], make<float>({2}, {-2.5f, 3.5f})));
    // axis 1 of [[10, 20]]: (10 - 2) * 0.5, (20 - 4) * 0.25
    const auto p = run_single_node(
        "DequantizeLinear",
        {make<uint8_t>({1, 2}, {10, 20}), make<float>({2}, {0.5f, 0.25f}), make<uint8_t>({2}, {2, 4})}, 1);
    EXPECT_TRUE(tensors_close(p[0], make<float>({1, 2}, {4.f, 4.f})));
}

TEST(MatMulInteger, PerRowZeroPointOfA) {
    // (A - [1, 3] per row) = [[0, 1], [0, 1]]; times identity
    const auto y = run_single_node(
        "MatMulInteger",
        {make<uint8_t>({2, 2}, {1, 2, 3, 4}), make<uint8_t>({2, 2}, {1, 0, 0, 1}), make<uint8_t>({2}, {1, 3})}, 1);
    EXPECT_TRUE(tensors_close(y[0], make<int32_t>({2, 2}, {0, 1, 0, 1})));
}

TEST(QuantizeLinear, RejectsBadTypes) {
    EXPECT_THROW(run_single_node("QuantizeLinear",
                                 {make<float>({2}, {1, 2}), Tensor::scalar<float>(1.f), Tensor::scalar<float>(0.f)}, 1),
                 Error);
    EXPECT_THROW(run_single_node("QuantizeLinear",
                                 {make<float>({2}, {1, 2}), make<float>({3}, {1, 1, 1}), Tensor::scalar<uint8_t>(0)}, 1,
                                 {{"axis", graph::Attribute::of_int(0)}}),
                 Error);
}
