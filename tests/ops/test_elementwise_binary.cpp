// SPDX-License-Identifier: MIT
// Binary / variadic elementwise ops: broadcasting on random shapes against a naive multi-index reference, and the
// integer edge cases ONNX's vectors leave out (division by zero, INT_MIN / -1, shifts past the width, mod signs).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "support/test_support.hpp"

using namespace konnx;
using graph::Attribute;
using konnx::test::run_single_node;
using konnx::test::tensors_close;

namespace {

// Naive numpy broadcasting: every output index mapped back into each input by hand.
int64_t offset_in(const Shape& in, const Shape& out, int64_t flat) {
    int64_t off = 0, stride = 1;
    const auto lead = static_cast<int64_t>(out.size() - in.size());
    for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
        const int64_t i = flat % out[static_cast<std::size_t>(d)];
        flat /= out[static_cast<std::size_t>(d)];
        if (d < lead) continue;
        const int64_t dim = in[static_cast<std::size_t>(d - lead)];
        if (dim != 1) off += i * stride;
        stride *= dim;
    }
    return off;
}

Tensor random_tensor(const Shape& shape, std::mt19937& rng) {
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    std::vector<float> v(static_cast<std::size_t>(n));
    std::uniform_real_distribution<float> dist(-3, 3);
    for (auto& x : v)
        x = dist(rng);
    return Tensor::from_vector<float>(shape, v);
}

}  // namespace

TEST(ElementwiseBinary, BroadcastMatchesNaiveReferenceOnRandomShapes) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> rank_dist(0, 4), dim_dist(1, 5), coin(0, 2);
    for (int trial = 0; trial < 60; ++trial) {
        Shape out(static_cast<std::size_t>(rank_dist(rng)));
        for (auto& d : out)
            d = dim_dist(rng);
        // Each input: a suffix of `out` with some dims squeezed to 1.
        auto derive = [&]() {
            Shape s(out.begin() + std::uniform_int_distribution<int>(0, static_cast<int>(out.size()))(rng), out.end());
            for (auto& d : s)
                if (coin(rng) == 0) d = 1;
            return s;
        };
        const Shape sa = derive(), sb = derive();
        const Tensor a = random_tensor(sa, rng), b = random_tensor(sb, rng);
        const auto y = run_single_node("Sub", {a, b}, 1);
        Shape want_shape(std::max(sa.size(), sb.size()));
        for (std::size_t i = 0; i < want_shape.size(); ++i) {
            const int64_t da = i + sa.size() < want_shape.size() ? 1 : sa[i + sa.size() - want_shape.size()];
            const int64_t db = i + sb.size() < want_shape.size() ? 1 : sb[i + sb.size() - want_shape.size()];
            want_shape[i] = std::max(da, db);
        }
        Tensor want = Tensor::zeros(DType::kFloat32, want_shape);
        for (int64_t i = 0; i < want.numel(); ++i)
            want.data<float>()[i] =
                a.data<float>()[offset_in(sa, want_shape, i)] - b.data<float>()[offset_in(sb, want_shape, i)];
        ASSERT_TRUE(tensors_close(y[0], want)) << "trial " << trial;
    }
}

TEST(ElementwiseBinary, SumMeanMaxBroadcastThreeInputs) {
    auto a = Tensor::from_vector<float>({2, 1}, {1, 2});
    auto b = Tensor::from_vector<float>({3}, {10, 20, 30});
    auto c = Tensor::from_vector<float>({}, {100});
    EXPECT_TRUE(tensors_close(run_single_node("Sum", {a, b, c}, 1)[0],
                              Tensor::from_vector<float>({2, 3}, {111, 121, 131, 112, 122, 132})));
    EXPECT_TRUE(
        tensors_close(run_single_node("Mean", {a, b, c}, 1)[0],
                      Tensor::from_vector<float>({2, 3}, {37, 121.f / 3, 131.f / 3, 112.f / 3, 122.f / 3, 44})));
    EXPECT_TRUE(tensors_close(run_single_node("Max", {a, b, c}, 1)[0],
                              Tensor::from_vector<float>({2, 3}, {100, 100, 100, 100, 100, 100})));
}

TEST(ElementwiseBinary, MaxMinPropagateNaN) {  // numpy.maximum / numpy.minimum
    const float nan = std::numeric_limits<float>::quiet_NaN();
    auto a = Tensor::from_vector<float>({3}, {nan, 1, 2});
    auto b = Tensor::from_vector<float>({3}, {0, nan, 1});
    for (const char* op : {"Max", "Min"}) {
        auto y = run_single_node(op, {a, b}, 1)[0];
        EXPECT_TRUE(std::isnan(y.data<float>()[0]) && std::isnan(y.data<float>()[1])) << op;
    }
}

TEST(ElementwiseBinary, IntegerDivisionTruncatesAndNeverTraps) {
    auto a = Tensor::from_vector<int32_t>({5}, {7, -7, 7, std::numeric_limits<int32_t>::min(), 5});
    auto b = Tensor::from_vector<int32_t>({5}, {2, 2, -2, -1, 0});
    auto y = run_single_node("Div", {a, b}, 1)[0];
    EXPECT_EQ(y.to_vector<int32_t>(), (std::vector<int32_t>{3, -3, -3, std::numeric_limits<int32_t>::min(), 0}));
}

TEST(ElementwiseBinary, ModFollowsDivisorSignUnlessFmod) {
    // Python: [7 % 3, -7 % 3, 7 % -3, -7 % -3] == [1, 2, -2, -1]; C: [1, -1, 1, -1]
    auto a = Tensor::from_vector<int64_t>({5}, {7, -7, 7, -7, 4});
    auto b = Tensor::from_vector<int64_t>({5}, {3, 3, -3, -3, 0});
    EXPECT_EQ(run_single_node("Mod", {a, b}, 1)[0].to_vector<int64_t>(), (std::vector<int64_t>{1, 2, -2, -1, 0}));
    EXPECT_EQ(run_single_node("Mod", {a, b}, 1, {{"fmod", Attribute::of_int(1)}})[0].to_vector<int64_t>(),
              (std::vector<int64_t>{1, -1, 1, -1, 0}));
    // numpy.fmod(-7.5, 2) == -1.5
    auto fa = Tensor::from_vector<float>({1}, {-7.5f});
    auto fb = Tensor::from_vector<float>({1}, {2});
    EXPECT_TRUE(tensors_close(run_single_node("Mod", {fa, fb}, 1, {{"fmod", Attribute::of_int(1)}})[0],
                              Tensor::from_vector<float>({1}, {-1.5f})));
    EXPECT_THROW(run_single_node("Mod", {a, b}, 1, {{"fmod", Attribute::of_int(2)}}), Error);
}

TEST(ElementwiseBinary, BitShiftPastTheWidthGivesZero) {
    auto a = Tensor::from_vector<uint8_t>({3}, {0xff, 0x81, 1});
    auto b = Tensor::from_vector<uint8_t>({3}, {1, 8, 200});
    EXPECT_EQ(
        run_single_node("BitShift", {a, b}, 1, {{"direction", Attribute::of_string("LEFT")}})[0].to_vector<uint8_t>(),
        (std::vector<uint8_t>{0xfe, 0, 0}));
    EXPECT_EQ(
        run_single_node("BitShift", {a, b}, 1, {{"direction", Attribute::of_string("RIGHT")}})[0].to_vector<uint8_t>(),
        (std::vector<uint8_t>{0x7f, 0, 0}));
    EXPECT_THROW(run_single_node("BitShift", {a, b}, 1, {{"direction", Attribute::of_string("UP")}}), Error);
}

TEST(ElementwiseBinary, IntegerArithmeticWrapsLikeNumpy) {
    auto a = Tensor::from_vector<int32_t>({2}, {std::numeric_limits<int32_t>::max(), 65536});
    auto b = Tensor::from_vector<int32_t>({2}, {1, 65536});
    EXPECT_EQ(run_single_node("Add", {a, b}, 1)[0].to_vector<int32_t>(),
              (std::vector<int32_t>{std::numeric_limits<int32_t>::min(), 131072}));
    EXPECT_EQ(run_single_node("Mul", {a, b}, 1)[0].to_vector<int32_t>(),
              (std::vector<int32_t>{std::numeric_limits<int32_t>::max(), 0}));
}

TEST(ElementwiseBinary, PowIntegerExactAndScalarFastPaths) {
    auto base = Tensor::from_vector<int64_t>({4}, {3, 2, -1, 5});
    auto exps = Tensor::from_vector<int64_t>({4}, {39, 3, -3, -1});
    // 3^39 = 4052555153018976267 exceeds double's exact range; (-1)^-3 = -1; 5^-1 truncates to 0.
    EXPECT_EQ(run_single_node("Pow", {base, exps}, 1)[0].to_vector<int64_t>(),
              (std::vector<int64_t>{4052555153018976267LL, 8, -1, 0}));
    auto x = Tensor::from_vector<float>({3}, {1.5f, 4, 9});
    EXPECT_TRUE(tensors_close(run_single_node("Pow", {x, Tensor::from_vector<float>({}, {2})}, 1)[0],
                              Tensor::from_vector<float>({3}, {2.25f, 16, 81})));
    EXPECT_TRUE(tensors_close(run_single_node("Pow", {x, Tensor::from_vector<float>({}, {0.5f})}, 1)[0],
                              Tensor::from_vector<float>({3}, {std::sqrt(1.5f), 2, 3})));
    EXPECT_TRUE(tensors_close(run_single_node("Pow", {x, Tensor::from_vector<int32_t>({}, {3})}, 1)[0],
                              Tensor::from_vector<float>({3}, {3.375f, 64, 729})));
}

TEST(ElementwiseBinary, WhereBroadcastsAllThreeInputs) {
    auto c = Tensor::from_vector<bool>({2, 1}, {true, false});
    auto x = Tensor::from_vector<int64_t>({3}, {1, 2, 3});
    auto y = Tensor::from_vector<int64_t>({}, {-1});
    EXPECT_EQ(run_single_node("Where", {c, x, y}, 1)[0].to_vector<int64_t>(),
              (std::vector<int64_t>{1, 2, 3, -1, -1, -1}));
}

TEST(ElementwiseBinary, PReluChecksSlopeBroadcastsToX) {
    auto x = Tensor::from_vector<float>({2, 2}, {-1, 2, -3, 4});
    auto slope = Tensor::from_vector<float>({2, 1}, {0.5f, 0.25f});
    EXPECT_TRUE(tensors_close(run_single_node("PRelu", {x, slope}, 1)[0],
                              Tensor::from_vector<float>({2, 2}, {-0.5f, 2, -0.75f, 4})));
    EXPECT_THROW(run_single_node("PRelu", {x, Tensor::zeros(DType::kFloat32, {3, 2, 2})}, 1), Error);
}

TEST(ElementwiseBinary, MismatchedTypesAreRejected) {
    EXPECT_THROW(run_single_node("Sub", {Tensor::zeros(DType::kFloat32, {2}), Tensor::zeros(DType::kInt32, {2})}, 1),
                 Error);
    EXPECT_THROW(
        run_single_node("Equal", {Tensor::zeros(DType::kFloat32, {2}), Tensor::zeros(DType::kFloat32, {3})}, 1), Error);
}
