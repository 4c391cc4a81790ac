// SPDX-License-Identifier: MIT
// Shared by NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (ONNX opsets 12, 13):
// input [N, C, d1..dk] (log-probabilities, or scores for SCE), target [N, d1..dk] of class indices,
// optional weight [C]. loss[n, d] = -input[n, target[n, d], d] * weight[target[n, d]], 0 where
// target == ignore_index. reduction "none" keeps [N, d1..dk]; "sum" sums; "mean" divides the sum by the
// sum of the weights that took part (the count when unweighted), NaN when nothing took part.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/dispatch.hpp"
#include "core/shape.hpp"
#include "core/strings.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

struct LossSpec {
    enum class Reduction { kNone, kSum, kMean } reduction = Reduction::kMean;
    std::optional<int64_t> ignore_index;
    int64_t n = 0, c = 0, d = 1;  ///< input viewed as [n, c, d]
};

/// Validates input 0 (scores), 1 (target) and 2 (optional weight) and reads the attributes.
inline LossSpec loss_spec(const NodeContext& ctx) {
    LossSpec s;
    const std::string reduction = ctx.attr_string("reduction", "mean");
    if (reduction == "none")
        s.reduction = LossSpec::Reduction::kNone;
    else if (reduction == "sum")
        s.reduction = LossSpec::Reduction::kSum;
    else
        ctx.check(reduction == "mean", "reduction must be none, sum or mean, got '", reduction, "'");
    if (ctx.has_attr("ignore_index")) s.ignore_index = ctx.attr_int("ignore_index", 0);
    const Shape& x = ctx.input_shape(0);
    const DType dtype = ctx.input_dtype(0);
    ctx.check(dtype == DType::kFloat32 || dtype == DType::kFloat64, "input must be float or double, got ",
              dtype_name(dtype));
    ctx.check(x.size() >= 2, "input must be at least 2-D [N, C, ...], got ", shape_str(x));
    Shape want_target{x[0]};
    want_target.insert(want_target.end(), x.begin() + 2, x.end());
    ctx.check(ctx.input_shape(1) == want_target, "target must be ", shape_str(want_target), ", got ",
              shape_str(ctx.input_shape(1)));
    const DType t = ctx.input_dtype(1);
    ctx.check(t == DType::kInt32 || t == DType::kInt64, "target must be int32 or int64, got ", dtype_name(t));
    if (ctx.has_input(2)) {
        ctx.check(ctx.input_shape(2) == Shape{x[1]}, "weight must be [", x[1], "], got ",
                  shape_str(ctx.input_shape(2)));
        ctx.check(ctx.input_dtype(2) == dtype, "weight must have the input's type");
    }
    s.n = x[0];
    s.c = x[1];
    s.d = product(x, 2, x.size());
    return s;
}

/// Output 0's shape: the target's for reduction none, else a scalar.
inline void infer_loss_output(InferContext& ctx, const LossSpec& s) {
    ctx.set_output(0, ctx.input_dtype(0), s.reduction == LossSpec::Reduction::kNone ? ctx.input_shape(1) : Shape{});
}

/// Computes the loss into `out` given logp(n, c, d) = the log-probability of class c.
template <class T, class LogP>
void compute_nll(const LossSpec& s, const Tensor& target, const Tensor* weight, Tensor& out, LogP logp) {
    const T* w = weight ? weight->data<T>() : nullptr;
    T* y = out.data<T>();
    double total = 0, weight_sum = 0;
    dispatch<int32_t, int64_t>(target.dtype(), [&]<class I>() {
        const I* t = target.data<I>();
        for (int64_t n = 0; n < s.n; ++n)
            for (int64_t d = 0; d < s.d; ++d) {
                const auto cls = static_cast<int64_t>(t[n * s.d + d]);
                double loss = 0, wt = 0;
                if (!(s.ignore_index && cls == *s.ignore_index)) {
                    if (cls < 0 || cls >= s.c)
                        fail(ErrorCode::kInvalidArgument, "target ", cls, " is outside [0, ", s.c, ")");
                    wt = w ? static_cast<double>(w[cls]) : 1.0;
                    loss = -static_cast<double>(logp(n, cls, d)) * wt;
                }
                if (s.reduction == LossSpec::Reduction::kNone) y[n * s.d + d] = static_cast<T>(loss);
                total += loss;
                weight_sum += wt;
            }
    });
    if (s.reduction == LossSpec::Reduction::kSum) y[0] = static_cast<T>(total);
    if (s.reduction == LossSpec::Reduction::kMean)
        y[0] = weight_sum == 0 ? std::numeric_limits<T>::quiet_NaN() : static_cast<T>(total / weight_sum);
}

}  // namespace konnx::ops
