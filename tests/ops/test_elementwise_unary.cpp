// SPDX-License-Identifier: MIT
// Unary elementwise ops, Clip and Cast: behaviour the ONNX vectors leave out (halves, extremes, saturation,
// integer Clip, bad attributes, numerically stable activations for large |x|).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/half.hpp"
#include "support/test_support.hpp"

using namespace konnx;
using graph::Attribute;
using konnx::test::run_single_node;
using konnx::test::tensors_close;

TEST(ElementwiseUnary, SigmoidAndSoftplusAreStableForLargeInputs) {
    auto x = Tensor::from_vector<float>({4}, {-200, -20, 20, 200});
    // sigmoid(-20) = 2.0611536e-9; softplus(20) = 20 + 2.06e-9; softplus(-20) = 2.0611537e-9.
    EXPECT_TRUE(tensors_close(run_single_node("Sigmoid", {x}, 1)[0],
                              Tensor::from_vector<float>({4}, {0, 2.0611536e-9f, 1, 1}), 1e-5, 1e-12));
    EXPECT_TRUE(tensors_close(run_single_node("Softplus", {x}, 1)[0],
                              Tensor::from_vector<float>({4}, {0, 2.0611537e-9f, 20, 200}), 1e-5, 1e-12));
}

TEST(ElementwiseUnary, RoundHalvesToEven) {
    auto x = Tensor::from_vector<float>({6}, {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 2.6f});
    EXPECT_TRUE(
        tensors_close(run_single_node("Round", {x}, 1)[0], Tensor::from_vector<float>({6}, {0, 2, 2, -0.f, -2, 3})));
}

TEST(ElementwiseUnary, Float16IsComputedInFloat) {
    auto x = Tensor::from_vector<Float16>({2}, {to_float16(4.0f), to_float16(0.25f)});
    auto y = run_single_node("Sqrt", {x}, 1)[0];
    ASSERT_EQ(y.dtype(), DType::kFloat16);
    EXPECT_EQ(to_float(y.data<Float16>()[0]), 2.0f);
    EXPECT_EQ(to_float(y.data<Float16>()[1]), 0.5f);
}

TEST(ElementwiseUnary, AbsNegWrapAtIntMin) {
    const int32_t lo = std::numeric_limits<int32_t>::min();
    auto x = Tensor::from_vector<int32_t>({3}, {lo, -5, 5});
    EXPECT_EQ(run_single_node("Abs", {x}, 1)[0].to_vector<int32_t>(), (std::vector<int32_t>{lo, 5, 5}));
    EXPECT_EQ(run_single_node("Neg", {x}, 1)[0].to_vector<int32_t>(), (std::vector<int32_t>{lo, 5, -5}));
    EXPECT_EQ(run_single_node("Sign", {x}, 1)[0].to_vector<int32_t>(), (std::vector<int32_t>{-1, -1, 1}));
}

TEST(ElementwiseUnary, ClipIntegerBoundsAndMinAboveMax) {
    auto x = Tensor::from_vector<int32_t>({4}, {-10, 0, 5, 100});
    auto lo = Tensor::from_vector<int32_t>({}, {-1});
    auto hi = Tensor::from_vector<int32_t>({}, {6});
    EXPECT_EQ(run_single_node("Clip", {x, lo, hi}, 1)[0].to_vector<int32_t>(), (std::vector<int32_t>{-1, 0, 5, 6}));
    // min > max: every element becomes max (ONNX Clip-13).
    EXPECT_EQ(run_single_node("Clip", {x, hi, lo}, 1)[0].to_vector<int32_t>(), (std::vector<int32_t>{-1, -1, -1, -1}));
    EXPECT_THROW(run_single_node("Clip", {x, Tensor::zeros(DType::kInt32, {2}), hi}, 1), Error);
}

TEST(ElementwiseUnary, CastFloatToIntTruncatesAndSaturates) {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    auto x = Tensor::from_vector<float>({6}, {2.9f, -2.9f, 1e20f, -1e20f, nan, inf});
    auto y = run_single_node("Cast", {x}, 1, {{"to", Attribute::of_int(static_cast<int64_t>(DType::kInt32))}})[0];
    const int32_t hi = std::numeric_limits<int32_t>::max(), lo = std::numeric_limits<int32_t>::min();
    EXPECT_EQ(y.to_vector<int32_t>(), (std::vector<int32_t>{2, -2, hi, lo, 0, hi}));
    auto b = run_single_node("Cast", {x}, 1, {{"to", Attribute::of_int(static_cast<int64_t>(DType::kBool))}})[0];
    EXPECT_EQ(b.to_vector<bool>(), (std::vector<bool>{true, true, true, true, true, true}));
}

// Strings convert to and from numbers (tests/ops/test_strings.cpp), but not bool (whose text form is ambiguous).
TEST(ElementwiseUnary, CastBoolToStringIsUnsupported) {
    try {
        run_single_node("Cast", {Tensor::zeros(DType::kBool, {2})}, 1,
                        {{"to", Attribute::of_int(static_cast<int64_t>(DType::kString))}});
        FAIL() << "expected kUnsupported";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    }
}

TEST(ElementwiseUnary, IsInfHonoursDetectAttributes) {
    const float inf = std::numeric_limits<float>::infinity();
    auto x = Tensor::from_vector<float>({3}, {inf, -inf, 1});
    EXPECT_EQ(run_single_node("IsInf", {x}, 1, {{"detect_negative", Attribute::of_int(0)}})[0].to_vector<bool>(),
              (std::vector<bool>{true, false, false}));
}

TEST(ElementwiseUnary, CeluRejectsZeroAlpha) {
    EXPECT_THROW(run_single_node("Celu", {Tensor::zeros(DType::kFloat32, {2})}, 1, {{"alpha", Attribute::of_float(0)}}),
                 Error);
}

TEST(ElementwiseUnary, VectorizedSigmoidAndTanhMatchLibm) {
    // The float kernels use a polynomial e^x; compare against libm in double over a dense range.
    std::vector<float> xs;
    for (float x = -40.0f; x <= 40.0f; x += 0.0037f)
        xs.push_back(x);
    for (float x : {0.0f, -0.0f, 1e-6f, -1e-6f, 1e-30f, 0.6249f, 0.6251f, 8.99f, 9.01f})
        xs.push_back(x);
    auto x = Tensor::from_vector<float>({static_cast<int64_t>(xs.size())}, xs);
    std::vector<float> sig(xs.size()), th(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
        sig[i] = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(xs[i]))));
        th[i] = static_cast<float>(std::tanh(static_cast<double>(xs[i])));
    }
    const auto shape = x.shape();
    EXPECT_TRUE(
        tensors_close(run_single_node("Sigmoid", {x}, 1)[0], Tensor::from_vector<float>(shape, sig), 1e-6, 1e-30));
    EXPECT_TRUE(tensors_close(run_single_node("Tanh", {x}, 1)[0], Tensor::from_vector<float>(shape, th), 1e-6, 1e-30));
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    auto special = Tensor::from_vector<float>({3}, {nan, inf, -inf});
    auto s = run_single_node("Sigmoid", {special}, 1)[0].to_vector<float>();
    auto t = run_single_node("Tanh", {special}, 1)[0].to_vector<float>();
    EXPECT_TRUE(std::isnan(s[0]) && std::isnan(t[0]));
    EXPECT_EQ(s[1], 1.0f);
    EXPECT_NEAR(s[2], 0.0f, 1e-37);
    EXPECT_EQ(t[1], 1.0f);
    EXPECT_EQ(t[2], -1.0f);
}

TEST(ElementwiseBinary, ChannelBroadcastRunsMatchNaive) {
    // Squeeze-excite style x[N,C,H,W] * s[N,C,1,1] and bias style x + b[C,1,1].
    std::vector<float> xv(2 * 3 * 4 * 5), sv(2 * 3), bv(3);
    for (std::size_t i = 0; i < xv.size(); ++i)
        xv[i] = static_cast<float>(i) * 0.5f - 7;
    for (std::size_t i = 0; i < sv.size(); ++i)
        sv[i] = static_cast<float>(i) + 1;
    for (std::size_t i = 0; i < bv.size(); ++i)
        bv[i] = static_cast<float>(i) * 10;
    auto x = Tensor::from_vector<float>({2, 3, 4, 5}, xv);
    std::vector<float> want_mul(xv.size()), want_add(xv.size());
    for (int64_t n = 0; n < 2; ++n)
        for (int64_t c = 0; c < 3; ++c)
            for (int64_t k = 0; k < 20; ++k) {
                const auto i = static_cast<std::size_t>((n * 3 + c) * 20 + k);
                want_mul[i] = xv[i] * sv[static_cast<std::size_t>(n * 3 + c)];
                want_add[i] = xv[i] + bv[static_cast<std::size_t>(c)];
            }
    EXPECT_TRUE(tensors_close(run_single_node("Mul", {x, Tensor::from_vector<float>({2, 3, 1, 1}, sv)}, 1)[0],
                              Tensor::from_vector<float>({2, 3, 4, 5}, want_mul)));
    EXPECT_TRUE(tensors_close(run_single_node("Add", {Tensor::from_vector<float>({3, 1, 1}, bv), x}, 1)[0],
                              Tensor::from_vector<float>({2, 3, 4, 5}, want_add)));
}

TEST(ElementwiseUnary, FloatErfMatchesLibmWithinTwoUlps) {
    // The vectorized float erf (elementwise_math.hpp) against double-precision libm over [-6, 6] in steps of
    // 1/4096 (both branches and the seam at |x| = 1), plus zeros, infinities and NaN.
    std::vector<float> xs;
    for (int i = -6 * 4096; i <= 6 * 4096; ++i)
        xs.push_back(static_cast<float>(i) / 4096.0f);
    const float inf = std::numeric_limits<float>::infinity();
    xs.insert(xs.end(), {1e-30f, -1e-30f, -0.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN()});
    const auto y = run_single_node("Erf", {Tensor::from_vector<float>({static_cast<int64_t>(xs.size())}, xs)}, 1)[0];
    double worst = 0;
    for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
        const double want = std::erf(static_cast<double>(xs[i]));
        const double got = y.data<float>()[i];
        worst = std::max(worst, std::abs(got - want) / std::max(std::abs(want), 1e-30));
        if (std::abs(got - want) > 3e-7 * std::max(std::abs(want), 1e-3))
            ADD_FAILURE() << "erf(" << xs[i] << ") = " << got << ", want " << want;
    }
    EXPECT_LT(worst, 3e-7);
    EXPECT_TRUE(std::signbit(y.data<float>()[xs.size() - 4]));  // erf(-0) = -0
    EXPECT_TRUE(std::isnan(y.data<float>()[xs.size() - 1]));
}
