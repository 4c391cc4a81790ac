// SPDX-License-Identifier: MIT
// Shared plumbing of the ai.onnx.preview.training optimizers (Adagrad, Momentum, Adam). Their inputs are
// R (learning rate, scalar), T (update count, int64 scalar), then `lists` groups of n tensors each: X (weights),
// G (gradients) and the optimizer's state tensors (H, V, ...). Their outputs are the updated X, then each updated
// state group, n tensors per group, each shaped like its input.
#pragma once

#include "core/dispatch.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops::training {

/// The n of an optimizer node whose inputs hold `lists` groups after R and T.
inline int64_t group_size(const NodeContext& ctx, int64_t lists) {
    const auto n_in = static_cast<int64_t>(ctx.num_inputs()) - 2;
    ctx.check(n_in > 0 && n_in % lists == 0, "expects R, T and ", lists, " equal groups of inputs, got ",
              ctx.num_inputs(), " inputs");
    return n_in / lists;
}

/// Checks R, T and the groups; output group k (0 = X, then the state groups) is shaped like input group
/// k == 0 ? 0 : k + 1 (group 1 is G, which has no output).
inline void infer_optimizer(InferContext& ctx, int64_t lists) {
    const int64_t n = group_size(ctx, lists);
    ctx.check(static_cast<int64_t>(ctx.num_outputs()) == (lists - 1) * n, "expects ", (lists - 1) * n, " outputs, got ",
              ctx.num_outputs());
    for (std::size_t i = 0; i < ctx.num_inputs(); ++i)
        ctx.check(ctx.has_input(i), "input ", i, " is required");
    const DType r = ctx.input_dtype(0);
    ctx.check((r == DType::kFloat32 || r == DType::kFloat64) && ctx.input_rank(0) == 0,
              "R must be a float or double scalar");
    ctx.check(ctx.input_dtype(1) == DType::kInt64 && ctx.input_rank(1) == 0, "T must be an int64 scalar");
    const DType dtype = ctx.input_dtype(2);
    ctx.check(dtype == DType::kFloat32 || dtype == DType::kFloat64, "X must be float or double, got ",
              dtype_name(dtype));
    for (int64_t j = 0; j < n; ++j)
        for (int64_t g = 0; g < lists; ++g) {
            const auto i = static_cast<std::size_t>(2 + g * n + j);
            ctx.check(ctx.input_dtype(i) == dtype && ctx.input_shape(i) == ctx.input_shape(2 + j), "input ", i,
                      " must match X", j, " (", dtype_name(dtype), " ", shape_str(ctx.input_shape(2 + j)), "), got ",
                      dtype_name(ctx.input_dtype(i)), " ", shape_str(ctx.input_shape(i)));
        }
    for (int64_t k = 0; k + 1 < lists; ++k)
        for (int64_t j = 0; j < n; ++j)
            ctx.set_output(static_cast<std::size_t>(k * n + j), dtype, ctx.input_shape(2 + j));
}

/// The scalar learning rate R as a double.
inline double learning_rate(const KernelRun& r) {
    double rate = 0;
    dispatch<float, double>(r.in(0).dtype(), [&]<class T>() { rate = static_cast<double>(r.in(0).data<T>()[0]); });
    return rate;
}

}  // namespace konnx::ops::training
