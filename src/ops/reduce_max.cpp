// SPDX-License-Identifier: MIT
// ReduceMax (ONNX opsets 1, 11, 12, 13, 18 (axes become input 1), 20 (bool)): maximum, NaN propagates; empty set gives
// -inf (lowest for integers). Axes, keepdims and noop_with_empty_axes are handled by ops/support/reduce.hpp.
#include <cmath>
#include <limits>

#include "ops/support/reduce.hpp"

namespace konnx::ops {
namespace {

// bool from opset 20 (max = any, min = all).
using NumericBoolTypes =
    TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t, bool>;

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_reduce_kernel<NumericBoolTypes>(init, []<class T>(const ReduceIndexer& ix, int64_t o, const T* x) -> T {
        T acc = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                     : std::numeric_limits<T>::lowest();
        ix.visit(o, [&](int64_t i) {
            if (x[i] > acc || is_nan(x[i])) acc = x[i];
        });
        return acc;
    });
}

}  // namespace

void register_reduce_max(OpRegistry& registry) {
    registry.add(
        {.name = "ReduceMax", .since_version = 1, .infer = infer_reduce, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
