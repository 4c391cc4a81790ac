// SPDX-License-Identifier: MIT
// Gemm / MatMul: oneDNN matmul (level 2; B and C constant or fed at run time) against the reference
// kernels (level 0): transposes, alpha/beta, every C broadcast, batch broadcasting, 1-D operands.
#include <gtest/gtest.h>

#include "ops/nn_test_helpers.hpp"

using namespace konnx;
using namespace konnx::test;
using graph::Attribute;

TEST(Gemm, OneDnnMatchesReference) {
    const int64_t m = 7, k = 13, n = 5;
    const std::vector<Shape> c_shapes = {{}, {1}, {n}, {1, n}, {m, 1}, {m, n}};
    uint32_t seed = 1;
    for (int trans_a : {0, 1})
        for (int trans_b : {0, 1})
            for (const Shape& c_shape : c_shapes)
                for (float alpha : {1.0f, 0.5f})
                    for (float beta : {1.0f, 2.0f}) {
                        std::vector<Tensor> in{random_tensor(trans_a ? Shape{k, m} : Shape{m, k}, ++seed),
                                               random_tensor(trans_b ? Shape{n, k} : Shape{k, n}, ++seed),
                                               random_tensor(c_shape, ++seed)};
                        const Attrs attrs{{"transA", Attribute::of_int(trans_a)},
                                          {"transB", Attribute::of_int(trans_b)},
                                          {"alpha", Attribute::of_float(alpha)},
                                          {"beta", Attribute::of_float(beta)}};
                        const auto want = run_node_with_constants("Gemm", in, {}, 1, attrs, 0);
                        for (const std::vector<std::size_t>& constant :
                             std::vector<std::vector<std::size_t>>{{}, {1}, {1, 2}, {2}}) {
                            const auto got = run_node_with_constants("Gemm", in, constant, 1, attrs, 2);
                            EXPECT_TRUE(tensors_close(got[0], want[0], 1e-5, 1e-5))
                                << "transA " << trans_a << " transB " << trans_b << " C " << shape_str(c_shape)
                                << " alpha " << alpha << " beta " << beta << " constants " << constant.size();
                        }
                    }
}

TEST(Gemm, WithoutC) {
    auto a = Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4});
    auto b = Tensor::from_vector<float>({2, 2}, {5, 6, 7, 8});
    // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]], times alpha 2
    auto want = Tensor::from_vector<float>({2, 2}, {38, 44, 86, 100});
    for (int level : {0, 2})
        for (const std::vector<std::size_t>& constant : std::vector<std::vector<std::size_t>>{{}, {1}}) {
            auto y = run_node_with_constants("Gemm", {a, b}, constant, 1, {{"alpha", Attribute::of_float(2)}}, level);
            EXPECT_TRUE(tensors_close(y[0], want)) << "level " << level;
        }
}

TEST(MatMul, OneDnnMatchesReference) {
    const std::vector<std::pair<Shape, Shape>> cases = {
        {{5, 7}, {7, 3}},
        {{2, 5, 7}, {7, 3}},
        {{5, 7}, {4, 7, 3}},
        {{2, 1, 5, 7}, {3, 7, 4}},
        {{3, 1, 5, 7}, {1, 2, 7, 4}},
        {{7}, {7, 3}},
        {{2, 5, 7}, {7}},
        {{7}, {7}},
        {{1, 64, 128}, {128, 256}},
    };
    uint32_t seed = 1;
    for (const auto& [a_shape, b_shape] : cases) {
        std::vector<Tensor> in{random_tensor(a_shape, ++seed), random_tensor(b_shape, ++seed)};
        const auto want = run_node_with_constants("MatMul", in, {}, 1, {}, 0);
        for (const std::vector<std::size_t>& constant : std::vector<std::vector<std::size_t>>{{}, {1}}) {
            const auto got = run_node_with_constants("MatMul", in, constant, 1, {}, 2);
            EXPECT_TRUE(tensors_close(got[0], want[0], 1e-5, 1e-5))
                << shape_str(a_shape) << " x " << shape_str(b_shape) << " constant B " << constant.size();
        }
    }
}

TEST(MatMul, NumpyShapes) {
    // numpy: (2,1,3,4) @ (5,4,6) -> (2,5,3,6); (4,) @ (2,4,3) -> (2,3); (3,4) @ (4,) -> (3,)
    EXPECT_EQ(
        run_single_node("MatMul",
                        {Tensor::zeros(DType::kFloat32, {2, 1, 3, 4}), Tensor::zeros(DType::kFloat32, {5, 4, 6})}, 1)[0]
            .shape(),
        (Shape{2, 5, 3, 6}));
    EXPECT_EQ(run_single_node("MatMul",
                              {Tensor::zeros(DType::kFloat32, {4}), Tensor::zeros(DType::kFloat32, {2, 4, 3})}, 1)[0]
                  .shape(),
              (Shape{2, 3}));
    EXPECT_EQ(
        run_single_node("MatMul", {Tensor::zeros(DType::kFloat32, {3, 4}), Tensor::zeros(DType::kFloat32, {4})}, 1)[0]
            .shape(),
        (Shape{3}));
    EXPECT_THROW(
        run_single_node("MatMul", {Tensor::zeros(DType::kFloat32, {3, 4}), Tensor::zeros(DType::kFloat32, {5, 2})}, 1),
        Error);
}
