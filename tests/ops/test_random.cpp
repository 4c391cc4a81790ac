// SPDX-License-Identifier: MIT
// Random ops: the ONNX node tests compare Bernoulli draws made by NumPy's generator, which konnx does not
// reproduce, so these check what is specified: shapes, dtypes, ranges, seeded repeatability, p = 0 / 1, and
// that unseeded nodes are not folded into constants (two runs differ).
#include <limits>
#include <set>

#include "support/test_support.hpp"

namespace konnx {
namespace {

using graph::Attribute;

TEST(RandomUniform, ShapeDtypeRangeAndSeed) {
    const std::vector<std::pair<std::string, Attribute>> attrs = {{"shape", Attribute::of_ints({4, 50})},
                                                                  {"low", Attribute::of_float(2)},
                                                                  {"high", Attribute::of_float(3)},
                                                                  {"seed", Attribute::of_float(7)}};
    const Tensor a = test::run_single_node("RandomUniform", {}, 1, attrs, 13)[0];
    const Tensor b = test::run_single_node("RandomUniform", {}, 1, attrs, 13)[0];
    ASSERT_EQ(a.shape(), (Shape{4, 50}));
    ASSERT_EQ(a.dtype(), DType::kFloat32);
    for (float v : a.span<float>()) {
        EXPECT_GE(v, 2.f);
        EXPECT_LT(v, 3.f);
    }
    EXPECT_TRUE(test::tensors_close(a, b, 0, 0));  // same seed, same values
}

TEST(RandomUniform, AnyFloatSeedRepeats) {
    // The seed is a float attribute: 1e30, inf and NaN (fuzz_onnx found that converting 1e30 to an integer
    // was undefined behaviour) must still seed repeatably, and differently from each other.
    std::vector<Tensor> draws;
    for (float seed : {1e30f, std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(), 3.f}) {
        const std::vector<std::pair<std::string, Attribute>> attrs = {{"shape", Attribute::of_ints({32})},
                                                                      {"seed", Attribute::of_float(seed)}};
        const Tensor a = test::run_single_node("RandomUniform", {}, 1, attrs, 13)[0];
        const Tensor b = test::run_single_node("RandomUniform", {}, 1, attrs, 13)[0];
        EXPECT_TRUE(test::tensors_close(a, b, 0, 0)) << "seed " << seed;
        for (const Tensor& earlier : draws)
            EXPECT_FALSE(test::tensors_close(a, earlier, 0, 0)) << "seed " << seed;
        draws.push_back(a);
    }
}

TEST(RandomUniform, UnseededRunsDiffer) {
    const std::vector<std::pair<std::string, Attribute>> attrs = {{"shape", Attribute::of_ints({16})}};
    graph::Model model = test::single_node_model("RandomUniform", {}, 1, attrs, 13);
    Session session = test::session_from_model(model);
    const Tensor a = session.run({})[0], b = session.run({})[0];
    EXPECT_FALSE(test::tensors_close(a, b, 0, 0));
}

TEST(RandomNormalLike, TakesShapeAndDtypeFromInput) {
    const Tensor x = Tensor::zeros(DType::kFloat64, {1000});
    const Tensor y = test::run_single_node(
        "RandomNormalLike", {x}, 1, {{"mean", Attribute::of_float(5)}, {"scale", Attribute::of_float(0.5f)}}, 13)[0];
    ASSERT_EQ(y.dtype(), DType::kFloat64);
    ASSERT_EQ(y.shape(), x.shape());
    double sum = 0;
    for (double v : y.span<double>())
        sum += v;
    EXPECT_NEAR(sum / 1000, 5.0, 0.1);  // standard error 0.016
    const Tensor z = test::run_single_node("RandomUniformLike", {x}, 1,
                                           {{"dtype", Attribute::of_int(static_cast<int>(DType::kFloat32))}}, 13)[0];
    EXPECT_EQ(z.dtype(), DType::kFloat32);
    const Tensor n = test::run_single_node("RandomNormal", {}, 1, {{"shape", Attribute::of_ints({2, 3})}}, 13)[0];
    EXPECT_EQ(n.shape(), (Shape{2, 3}));
}

TEST(Bernoulli, ExtremesAndDtype) {
    const Tensor p = Tensor::from_vector<float>({6}, {0, 1, 0, 1, 1, 0});
    const Tensor y = test::run_single_node("Bernoulli", {p}, 1, {}, 15)[0];
    EXPECT_TRUE(test::tensors_close(y, p, 0, 0));
    const Tensor b = test::run_single_node("Bernoulli", {p}, 1,
                                           {{"dtype", Attribute::of_int(static_cast<int>(DType::kBool))}}, 15)[0];
    ASSERT_EQ(b.dtype(), DType::kBool);
    EXPECT_EQ(b.to_vector<bool>(), (std::vector<bool>{false, true, false, true, true, false}));
    // p = 0.5 over many draws: roughly half.
    const Tensor half = Tensor::from_vector<float>({2000}, std::vector<float>(2000, 0.5f));
    const Tensor h = test::run_single_node("Bernoulli", {half}, 1, {}, 15)[0];
    double ones = 0;
    for (float v : h.span<float>())
        ones += v;
    EXPECT_NEAR(ones / 2000, 0.5, 0.05);
}

}  // namespace
}  // namespace konnx
