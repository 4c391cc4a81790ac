// SPDX-License-Identifier: MIT
// Transpose's strided/tiled copy against a naive index-mapping reference on random shapes, permutations
// and element sizes (1, 2, 4, 8 bytes), plus bad perm attributes.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "core/error.hpp"
#include "core/shape.hpp"
#include "support/test_support.hpp"

using namespace konnx;
using konnx::test::run_single_node;

namespace {

graph::Attribute ints_attr(std::vector<int64_t> v) {
    graph::Attribute a;
    a.kind = graph::Attribute::Kind::kInts;
    a.ints = std::move(v);
    return a;
}

// y[i_0..i_n] = x[j] with j[perm[k]] = i_k (numpy.transpose).
template <class T>
Tensor naive_transpose(const Tensor& x, const std::vector<int64_t>& perm) {
    Shape out;
    for (int64_t p : perm)
        out.push_back(x.shape()[static_cast<std::size_t>(p)]);
    Tensor y = Tensor::empty(x.dtype(), out);
    const auto in_strides = strides_of(x.shape());
    std::vector<int64_t> idx(out.size(), 0);
    for (int64_t k = 0; k < y.numel(); ++k) {
        int64_t off = 0;
        for (std::size_t d = 0; d < out.size(); ++d)
            off += idx[d] * in_strides[static_cast<std::size_t>(perm[d])];
        y.data<T>()[k] = x.data<T>()[off];
        for (std::size_t d = out.size(); d-- > 0;) {
            if (++idx[d] < out[d]) break;
            idx[d] = 0;
        }
    }
    return y;
}

template <class T>
void check_random(std::mt19937& rng, int rank) {
    std::uniform_int_distribution<int64_t> dim(1, rank <= 2 ? 70 : 9);
    Shape shape;
    for (int d = 0; d < rank; ++d)
        shape.push_back(dim(rng));
    Tensor x = Tensor::empty(dtype_of<T>(), shape);
    for (int64_t i = 0; i < x.numel(); ++i)
        x.data<T>()[i] = static_cast<T>(i * 7 + 3);
    std::vector<int64_t> perm(static_cast<std::size_t>(rank));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    const auto y = run_single_node("Transpose", {x}, 1, {{"perm", ints_attr(perm)}});
    const Tensor want = naive_transpose<T>(x, perm);
    ASSERT_EQ(y[0].shape(), want.shape());
    ASSERT_TRUE(std::equal(want.data<T>(), want.data<T>() + want.numel(), y[0].data<T>()))
        << "shape " << shape_str(shape) << " perm " << shape_str(perm);
}

}  // namespace

TEST(Transpose, MatchesNaiveReferenceOnRandomShapes) {
    std::mt19937 rng(42);
    for (int trial = 0; trial < 40; ++trial) {
        const int rank = 1 + trial % 5;
        check_random<uint8_t>(rng, rank);
        check_random<int16_t>(rng, rank);
        check_random<float>(rng, rank);
        check_random<int64_t>(rng, rank);
    }
}

TEST(Transpose, DefaultPermReversesAxes) {
    // numpy: np.arange(6).reshape(2,3).T == [[0,3],[1,4],[2,5]]
    auto x = Tensor::from_vector<float>({2, 3}, {0, 1, 2, 3, 4, 5});
    auto y = run_single_node("Transpose", {x}, 1);
    EXPECT_TRUE(konnx::test::tensors_close(y[0], Tensor::from_vector<float>({3, 2}, {0, 3, 1, 4, 2, 5})));
}

TEST(Transpose, RejectsBadPerm) {
    auto x = Tensor::zeros(DType::kFloat32, {2, 3});
    EXPECT_THROW(run_single_node("Transpose", {x}, 1, {{"perm", ints_attr({0, 0})}}), Error);
    EXPECT_THROW(run_single_node("Transpose", {x}, 1, {{"perm", ints_attr({0, 1, 2})}}), Error);
    EXPECT_THROW(run_single_node("Transpose", {x}, 1, {{"perm", ints_attr({0, 5})}}), Error);
}
