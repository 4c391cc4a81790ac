// SPDX-License-Identifier: MIT
// ReduceMean (ONNX opsets 1, 11, 13, 18 (axes become input 1)): arithmetic mean; integer types divide with truncation;
// empty set gives NaN (0 for integers). Axes, keepdims and noop_with_empty_axes are handled by ops/support/reduce.hpp.
#include <cmath>
#include <limits>

#include "ops/support/reduce.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_reduce_kernel<NumericTypes>(init, []<class T>(const ReduceIndexer& ix, int64_t o, const T* x) -> T {
        ReduceAcc<T> acc = 0;
        ix.visit(o, [&](int64_t i) { acc += x[i]; });
        const int64_t n = ix.reduce_count();
        if (n == 0) return std::numeric_limits<T>::has_quiet_NaN ? std::numeric_limits<T>::quiet_NaN() : T(0);
        return static_cast<T>(acc / static_cast<ReduceAcc<T>>(n));
    });
}

}  // namespace

void register_reduce_mean(OpRegistry& registry) {
    registry.add(
        {.name = "ReduceMean", .since_version = 1, .infer = infer_reduce, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
