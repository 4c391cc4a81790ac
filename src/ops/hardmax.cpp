// SPDX-License-Identifier: MIT
// Hardmax (ONNX opsets 1, 11, 13): 1 at the first maximum of each row, 0 elsewhere.
// Before opset 13 the rows are those of the input coerced to 2-D at `axis` (default 1); from 13 they are the
// slices along `axis` (default -1). See ops/support/softmax.hpp.
#include "ops/support/softmax.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_softmax_like(init, []<class T>(const T* x, T* y, int64_t n, int64_t stride) {
        int64_t best = 0;
        for (int64_t k = 0; k < n; ++k) {
            y[k * stride] = T(0);
            if (x[k * stride] > x[best * stride]) best = k;
        }
        if (n > 0) y[best * stride] = T(1);
    });
}

}  // namespace

void register_hardmax(OpRegistry& registry) {
    registry.add({.name = "Hardmax", .since_version = 1, .infer = infer_softmax_like, .make_kernel = make});
}

}  // namespace konnx::ops
