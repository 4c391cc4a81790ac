// SPDX-License-Identifier: MIT
// ReduceL2 (ONNX opsets 1, 11, 13, 18 (axes become input 1)): sqrt of the sum of squares; empty set gives 0.
// Axes, keepdims and noop_with_empty_axes are handled by ops/support/reduce.hpp.
#include <cmath>
#include <limits>

#include "ops/support/reduce.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_reduce_kernel<NumericTypes>(init, []<class T>(const ReduceIndexer& ix, int64_t o, const T* x) -> T {
        ReduceAcc<T> acc = 0;
        ix.visit(o, [&](int64_t i) { acc += static_cast<ReduceAcc<T>>(x[i]) * x[i]; });
        return static_cast<T>(std::sqrt(static_cast<double>(acc)));
    });
}

}  // namespace

void register_reduce_l2(OpRegistry& registry) {
    registry.add(
        {.name = "ReduceL2", .since_version = 1, .infer = infer_reduce, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
