// SPDX-License-Identifier: MIT
// kernels::PackedDense (y = x·W for a constant W and 1-4 rows of x) against a plain double-precision
// product, on both of its work splits (over column blocks; over K with a final sum), and through the Gemm
// and MatMul ops that use it, against the same ops at optimization level 0 (the reference loops).
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/dense.hpp"
#include "ops/nn_test_helpers.hpp"

namespace konnx {
void set_thread_count(int threads);  // core/parallel.hpp (its OpenMP pragmas are not for this target)

namespace {

std::vector<float> random_values(int64_t n, uint32_t seed) {
    const Tensor t = test::random_tensor({n}, seed);
    return {t.data<float>(), t.data<float>() + n};
}

struct DenseCase {
    int64_t rows, k, n;
    bool transposed;
    int threads;
};

class PackedDenseTest : public ::testing::TestWithParam<DenseCase> {};

TEST_P(PackedDenseTest, MatchesDoublePrecisionProduct) {
    const DenseCase c = GetParam();
    const auto w = random_values(c.k * c.n, 1);
    const auto x = random_values(c.rows * c.k, 2);
    const float scale = 0.5f;
    const kernels::PackedDense dense(w.data(), c.k, c.n, c.transposed, scale);
    std::vector<float> y(static_cast<std::size_t>(c.rows * c.n), -7.f);
    set_thread_count(c.threads);
    dense.run(x.data(), c.rows, y.data());
    set_thread_count(1);
    for (int64_t r = 0; r < c.rows; ++r)
        for (int64_t j = 0; j < c.n; ++j) {
            double want = 0, magnitude = 0;
            for (int64_t i = 0; i < c.k; ++i) {
                const double wij = c.transposed ? w[j * c.k + i] : w[i * c.n + j];
                want += x[r * c.k + i] * wij * scale;
                magnitude += std::fabs(x[r * c.k + i] * wij * scale);
            }
            // float accumulation over k terms: error grows like sqrt(k) ulps of the terms' magnitude
            ASSERT_NEAR(y[r * c.n + j], want, 1e-6 * magnitude + 1e-6) << "row " << r << " column " << j;
        }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, PackedDenseTest,
    ::testing::Values(DenseCase{1, 1280, 1000, true, 2},  // MobileNetV2's classifier: split over blocks
                      DenseCase{1, 20000, 42, false, 2},  // a flattened map into few classes: split over K
                      DenseCase{3, 5000, 10, false, 2},   // several rows, K split, ragged last block
                      DenseCase{4, 784, 512, false, 1},   // one thread
                      DenseCase{2, 7, 3, true, 2},        // tiny: fewer columns than a block
                      DenseCase{1, 3001, 17, false, 2}),  // odd K: the unpaired last multiply-add
    [](const auto& info) {
        const DenseCase& c = info.param;
        return "r" + std::to_string(c.rows) + "_k" + std::to_string(c.k) + "_n" + std::to_string(c.n) +
               (c.transposed ? "_t" : "") + "_threads" + std::to_string(c.threads);
    });

// B (and C) constant, as in a trained model.
std::vector<Tensor> run_at(int level, const std::string& op, const std::vector<Tensor>& inputs,
                           std::vector<std::pair<std::string, graph::Attribute>> attrs) {
    return test::run_node_with_constants(op, inputs, {1, 2}, 1, std::move(attrs), level, 13);
}

TEST(PackedDense, GemmWithTransBAlphaBetaAndBroadcastC) {
    const std::vector<Tensor> inputs = {test::random_tensor({2, 300}, 3), test::random_tensor({40, 300}, 4),
                                        test::random_tensor({40}, 5)};
    const std::vector<std::pair<std::string, graph::Attribute>> attrs = {{"transB", graph::Attribute::of_int(1)},
                                                                         {"alpha", graph::Attribute::of_float(0.5f)},
                                                                         {"beta", graph::Attribute::of_float(2.f)}};
    const Tensor want = run_at(0, "Gemm", inputs, attrs)[0];
    EXPECT_TRUE(test::tensors_close(run_at(2, "Gemm", inputs, attrs)[0], want, 1e-5, 1e-5));
}

TEST(PackedDense, MatMulOverBatchedRows) {
    const std::vector<Tensor> inputs = {test::random_tensor({1, 3, 2000}, 6), test::random_tensor({2000, 24}, 7)};
    const Tensor want = run_at(0, "MatMul", inputs, {})[0];
    const Tensor got = run_at(2, "MatMul", inputs, {})[0];
    ASSERT_EQ(got.shape(), (Shape{1, 3, 24}));
    EXPECT_TRUE(test::tensors_close(got, want, 1e-4, 1e-5));
}

}  // namespace
}  // namespace konnx
