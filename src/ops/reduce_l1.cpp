// SPDX-License-Identifier: MIT
// ReduceL1 (ONNX opsets 1, 11, 13, 18 (axes become input 1)): sum of absolute values; empty set gives 0.
// Axes, keepdims and noop_with_empty_axes are handled by ops/support/reduce.hpp.
#include <cmath>
#include <limits>

#include "ops/support/reduce.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_reduce_kernel<NumericTypes>(init, []<class T>(const ReduceIndexer& ix, int64_t o, const T* x) -> T {
        ReduceAcc<T> acc = 0;
        ix.visit(o, [&](int64_t i) {
            if constexpr (std::is_unsigned_v<T>)
                acc += x[i];
            else
                acc += x[i] < T(0) ? static_cast<T>(-x[i]) : x[i];
        });
        return static_cast<T>(acc);
    });
}

}  // namespace

void register_reduce_l1(OpRegistry& registry) {
    registry.add({.name = "ReduceL1", .since_version = 1, .infer = infer_reduce, .make_kernel = make});
}

}  // namespace konnx::ops
