// SPDX-License-Identifier: MIT
// ReduceProd (ONNX opsets 1, 11, 13, 18 (axes become input 1)): product; empty set gives 1.
// Axes, keepdims and noop_with_empty_axes are handled by ops/support/reduce.hpp.
#include <cmath>
#include <limits>

#include "ops/support/reduce.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_reduce_kernel<NumericTypes>(init, []<class T>(const ReduceIndexer& ix, int64_t o, const T* x) -> T {
        ReduceAcc<T> acc = 1;
        ix.visit(o, [&](int64_t i) { acc *= x[i]; });
        return static_cast<T>(acc);
    });
}

}  // namespace

void register_reduce_prod(OpRegistry& registry) {
    registry.add(
        {.name = "ReduceProd", .since_version = 1, .infer = infer_reduce, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
