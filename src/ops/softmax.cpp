// SPDX-License-Identifier: MIT
// Softmax (ONNX opsets 1, 11, 13): y = exp(x - max) / sum(exp(x - max)) over each row.
// Before opset 13 the rows are those of the input coerced to 2-D at `axis` (default 1); from 13 they are the
// slices along `axis` (default -1). See ops/support/softmax.hpp. Max subtraction keeps large inputs finite.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/support/elementwise_math.hpp"
#include "ops/support/softmax.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_softmax_like(init, []<class T>(const T* x, T* y, int64_t n, int64_t stride) {
        if constexpr (std::is_same_v<T, float>) {
            if (stride == 1) {  // the usual last axis: vectorized (attention scores spend most time here)
                float m = -std::numeric_limits<float>::infinity(), sum = 0;
#pragma omp simd reduction(max : m)
                for (int64_t k = 0; k < n; ++k)
                    m = std::max(m, x[k]);
#pragma omp simd reduction(+ : sum)
                for (int64_t k = 0; k < n; ++k) {
                    const float e = exp_nonpositive(x[k] - m);
                    y[k] = e;
                    sum += e;
                }
                const float scale = 1.0f / sum;
#pragma omp simd
                for (int64_t k = 0; k < n; ++k)
                    y[k] *= scale;
                return;
            }
        }
        const T m = row_max(x, n, stride);
        double sum = 0;
        for (int64_t k = 0; k < n; ++k) {
            const T e = std::exp(x[k * stride] - m);
            y[k * stride] = e;
            sum += e;
        }
        const T scale = static_cast<T>(1.0 / sum);
        for (int64_t k = 0; k < n; ++k)
            y[k * stride] *= scale;
    });
}

}  // namespace

void register_softmax(OpRegistry& registry) {
    registry.add({.name = "Softmax",
                  .since_version = 1,
                  .infer = infer_softmax_like,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
