// SPDX-License-Identifier: MIT
// ReduceLogSumExp (ONNX opsets 1, 11, 13, 18 (axes become input 1)): log(sum(exp(x))), computed as m + log(sum(exp(x -
// m))) with m the maximum so large inputs do not overflow; empty set gives -inf. Axes, keepdims and
// noop_with_empty_axes are handled by ops/support/reduce.hpp.
#include <cmath>
#include <limits>

#include "ops/support/reduce.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_reduce_kernel<NumericTypes>(init, []<class T>(const ReduceIndexer& ix, int64_t o, const T* x) -> T {
        double m = -std::numeric_limits<double>::infinity();
        ix.visit(o, [&](int64_t i) { m = std::max(m, static_cast<double>(x[i])); });
        if (!std::isfinite(m)) m = 0;  // empty, all -inf, or +inf/NaN present: no shift needed
        double acc = 0;
        ix.visit(o, [&](int64_t i) { acc += std::exp(static_cast<double>(x[i]) - m); });
        return static_cast<T>(std::log(acc) + m);
    });
}

}  // namespace

void register_reduce_log_sum_exp(OpRegistry& registry) {
    registry.add({.name = "ReduceLogSumExp", .since_version = 1, .infer = infer_reduce, .make_kernel = make});
}

}  // namespace konnx::ops
