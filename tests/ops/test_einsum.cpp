// SPDX-License-Identifier: MIT
// Einsum: the batched-matmul fast path (level 2) against the reference loop (level 0, itself checked by the
// ONNX backend tests): attention-style equations read through strides, operands and outputs that need a copy
// into [batch, M, K] order, broadcast ellipsis dims, and equations the fast path declines.
#include <gtest/gtest.h>

#include "ops/nn_test_helpers.hpp"

using namespace konnx;
using namespace konnx::test;
using graph::Attribute;

TEST(Einsum, MatMulPathMatchesReference) {
    struct Case {
        std::string equation;
        std::vector<Shape> shapes;
    };
    const std::vector<Case> cases = {
        {"bhid,bhjd->bhij", {{2, 3, 5, 4}, {2, 3, 6, 4}}},  // q k^T: B read transposed through strides
        {"bhij,bhjd->bhid", {{2, 3, 5, 6}, {2, 3, 6, 4}}},  // attention x v
        {"bqhd,bkhd->bhqk", {{2, 5, 3, 4}, {2, 6, 3, 4}}},  // heads not adjacent to batch: copies
        {"ij,jk->ik", {{5, 7}, {7, 3}}},
        {"ij,kj->ik", {{5, 7}, {3, 7}}},
        {"ji,jk->ki", {{7, 5}, {7, 3}}},       // transposed output: copied back
        {"bij,jk->bik", {{2, 5, 7}, {7, 3}}},  // EinsumDense: batch folds into M
        {"abc,cd->abd", {{2, 4, 5}, {5, 6}}},
        {"...ij,...jk->...ik", {{2, 1, 3, 4}, {1, 5, 4, 2}}},  // partly broadcast batch: expanded copies
        {"...ij,...jk->...ik", {{1, 3, 4}, {5, 4, 2}}},        // A's whole batch broadcasts
        {"i,i->", {{7}, {7}}},                                 // inner product
        {"i,j->ij", {{4}, {3}}},                               // outer product: no K
        {"ij,jk", {{3, 4}, {4, 2}}},                           // implicit output
        {"bnhd,bmhd->bnmh", {{1, 4, 2, 3}, {1, 5, 2, 3}}},     // MaxViT-style: heads last in the output
        // Declined by the fast path (the reference runs): a label summed in one operand, three operands,
        // a diagonal.
        {"ij,jk->k", {{3, 4}, {4, 2}}},
        {"ij,jk,kl->il", {{2, 3}, {3, 4}, {4, 5}}},
        {"ii,ij->ij", {{3, 3}, {3, 2}}},
    };
    uint32_t seed = 1;
    for (const auto& c : cases) {
        std::vector<Tensor> in;
        for (const Shape& s : c.shapes)
            in.push_back(random_tensor(s, ++seed));
        const Attrs attrs{{"equation", Attribute::of_string(c.equation)}};
        const auto want = run_node_with_constants("Einsum", in, {}, 1, attrs, 0);
        for (const std::vector<std::size_t>& constant : std::vector<std::vector<std::size_t>>{{}, {1}}) {
            const auto got = run_node_with_constants("Einsum", in, constant, 1, attrs, 2);
            EXPECT_EQ(got[0].shape(), want[0].shape()) << c.equation;
            EXPECT_TRUE(tensors_close(got[0], want[0], 1e-5, 1e-5)) << c.equation << " constant B " << constant.size();
        }
    }
}
