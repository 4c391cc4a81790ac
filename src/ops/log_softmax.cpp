// SPDX-License-Identifier: MIT
// LogSoftmax (ONNX opsets 1, 11, 13): y = x - max - log(sum(exp(x - max))) over each row.
// Before opset 13 the rows are those of the input coerced to 2-D at `axis` (default 1); from 13 they are the
// slices along `axis` (default -1). See ops/support/softmax.hpp.
#include <cmath>

#include "ops/support/softmax.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_softmax_like(init, []<class T>(const T* x, T* y, int64_t n, int64_t stride) {
        const T m = row_max(x, n, stride);
        double sum = 0;
        for (int64_t k = 0; k < n; ++k)
            sum += std::exp(static_cast<double>(x[k * stride] - m));
        const T shift = m + static_cast<T>(std::log(sum));
        for (int64_t k = 0; k < n; ++k)
            y[k * stride] = x[k * stride] - shift;
    });
}

}  // namespace

void register_log_softmax(OpRegistry& registry) {
    registry.add({.name = "LogSoftmax",
                  .since_version = 1,
                  .infer = infer_softmax_like,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
