// SPDX-License-Identifier: MIT
// numpy matmul geometry and the reference loop, shared by MatMul, MatMulInteger and QLinearMatMul:
// 1-D A is [1, K] with that dim dropped from the result, 1-D B is [K, 1] likewise, and the batch dims
// (all but the last two) broadcast numpy-style.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

struct MatMulShape {
    Shape a, b, y;  // operands and result padded to one rank >= 2 (1-D operands made 2-D)
    Shape out;      // the ONNX output shape
    int64_t m = 0, k = 0, n = 0;
};

/// The geometry of inputs a_input @ b_input of `ctx`'s node; errors name the shapes.
MatMulShape matmul_shape(const NodeContext& ctx, std::size_t a_input = 0, std::size_t b_input = 1);

/// Cost of MatMul, Gemm and the integer matmuls: 2 M N K operations, or, when larger (a matrix-vector
/// product: a batch-1 Dense layer), the elements of A, B and Y it streams. `transposed_a`: A is [K, M].
OpCost matmul_cost(const KernelInit& init, bool transposed_a = false);

/// y = a @ b on the padded shapes of `s`, rows in parallel; T is also the accumulator type.
template <class T>
void matmul_reference(const MatMulShape& s, const T* a, const T* b, T* y) {
    const std::size_t r = s.y.size();
    const Shape batch(s.y.begin(), s.y.end() - 2);
    const std::vector<int64_t> a_step = broadcast_strides(std::span(s.a).first(r - 2), batch);
    const std::vector<int64_t> b_step = broadcast_strides(std::span(s.b).first(r - 2), batch);
    const int64_t batches = product(batch), m = s.m, k = s.k, n = s.n;
    parallel_for(batches * m, std::max<int64_t>(1, 4096 / std::max<int64_t>(k * n, 1)),
                 [&](int64_t begin, int64_t end) {
                     for (int64_t row = begin; row < end; ++row) {
                         const int64_t bi = row / m, i = row % m;
                         int64_t a_off = 0, b_off = 0, rest = bi;  // matrices of A and B used by batch bi
                         for (std::size_t d = batch.size(); d-- > 0;) {
                             const int64_t idx = rest % batch[d];
                             rest /= batch[d];
                             a_off += idx * a_step[d];
                             b_off += idx * b_step[d];
                         }
                         const T* arow = a + (a_off * m + i) * k;
                         const T* bm = b + b_off * k * n;
                         T* yrow = y + row * n;
                         std::fill_n(yrow, n, T(0));
                         for (int64_t p = 0; p < k; ++p)  // i-k-j order: unit-stride inner loop
                             for (int64_t j = 0; j < n; ++j)
                                 yrow[j] += arow[p] * bm[p * n + j];
                     }
                 });
}

}  // namespace konnx::ops
