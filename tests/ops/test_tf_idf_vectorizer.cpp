// SPDX-License-Identifier: MIT
// TfIdfVectorizer's IDF and TFIDF modes with weights, which the ONNX node tests (TF mode only) do not cover.
// Expected values are worked out by hand from the ONNX operator documentation.
#include "support/test_support.hpp"

namespace konnx {
namespace {

using graph::Attribute;

std::vector<Tensor> vectorize(const std::string& mode) {
    // Pool of 1-grams {1, 2} -> outputs 0 and 1, weights 0.5 and 2. In [1, 2, 1], 1 occurs twice and 2 once.
    return test::run_single_node("TfIdfVectorizer", {Tensor::from_vector<int64_t>({3}, {1, 2, 1})}, 1,
                                 {{"mode", Attribute::of_string(mode)},
                                  {"min_gram_length", Attribute::of_int(1)},
                                  {"max_gram_length", Attribute::of_int(1)},
                                  {"max_skip_count", Attribute::of_int(0)},
                                  {"pool_int64s", Attribute::of_ints({1, 2})},
                                  {"ngram_counts", Attribute::of_ints({0})},
                                  {"ngram_indexes", Attribute::of_ints({0, 1})},
                                  {"weights", Attribute::of_floats({0.5f, 2.0f})}},
                                 9);
}

TEST(TfIdfVectorizer, TfIdfMultipliesCountsByWeights) {
    EXPECT_TRUE(test::tensors_close(vectorize("TFIDF")[0], Tensor::from_vector<float>({2}, {2 * 0.5f, 1 * 2.0f})));
}

TEST(TfIdfVectorizer, IdfGivesTheWeightOfEveryNgramPresent) {
    EXPECT_TRUE(test::tensors_close(vectorize("IDF")[0], Tensor::from_vector<float>({2}, {0.5f, 2.0f})));
}

TEST(TfIdfVectorizer, TfCounts) {
    EXPECT_TRUE(test::tensors_close(vectorize("TF")[0], Tensor::from_vector<float>({2}, {2.0f, 1.0f})));
}

}  // namespace
}  // namespace konnx
