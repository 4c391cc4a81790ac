// SPDX-License-Identifier: MIT
#include "ops/support/ml_common.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "konnx/string_tensor.hpp"

namespace konnx::ops::ml {

PostTransform post_transform_attr(const NodeContext& ctx) {
    const std::string name = ctx.attr_string("post_transform", "NONE");
    if (name == "NONE") return PostTransform::kNone;
    if (name == "LOGISTIC") return PostTransform::kLogistic;
    if (name == "SOFTMAX") return PostTransform::kSoftmax;
    if (name == "SOFTMAX_ZERO") return PostTransform::kSoftmaxZero;
    if (name == "PROBIT") return PostTransform::kProbit;
    ctx.fail("post_transform must be NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO or PROBIT, got '", name, "'");
}

PostTransform post_transform_of(const NodeContext& ctx, int64_t code) {
    // onnxruntime's numbering (1 LOGISTIC, 2 SOFTMAX); the ONNX schema text lists SOFTMAX as 1 and LOGISTIC as 2.
    switch (code) {
        case 0: return PostTransform::kNone;
        case 1: return PostTransform::kLogistic;
        case 2: return PostTransform::kSoftmax;
        case 3: return PostTransform::kSoftmaxZero;
        case 4: return PostTransform::kProbit;
        default: ctx.fail("post_transform must be 0 to 4 (NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT), got ", code);
    }
}

float logistic(float x) {
    const float v = 1.f / (1.f + std::exp(-std::abs(x)));
    return x < 0 ? 1.f - v : v;
}

float probit(float x) {
    // erfinv(y) ~ sign(y) * sqrt(sqrt(t^2 - ln(1 - y^2) / a) - t), t = 2 / (pi a) + ln(1 - y^2) / 2, a = 0.147:
    // onnxruntime's formula, kept so that PROBIT scores match it.
    const float y = 2.f * x - 1.f;
    const float sign = y < 0 ? -1.f : 1.f;
    const float ln = std::log((1.f - y) * (1.f + y));
    const float t = 2.f / (static_cast<float>(M_PI) * 0.147f) + 0.5f * ln;
    return static_cast<float>(M_SQRT2) * sign * std::sqrt(-t + std::sqrt(t * t - ln / 0.147f));
}

void softmax(std::span<float> row) {
    float max = -std::numeric_limits<float>::max();
    for (float v : row)
        max = std::max(max, v);
    float sum = 0;
    for (float& v : row)
        sum += (v = std::exp(v - max));
    for (float& v : row)
        v /= sum;
}

void softmax_zero(std::span<float> row) {
    float max = -std::numeric_limits<float>::max();
    for (float v : row)
        max = std::max(max, v);
    const float exp_neg_max = std::exp(-max);
    float sum = 0;
    for (float& v : row) {
        if (v > 1e-7f || v < -1e-7f)
            sum += (v = std::exp(v - max));
        else
            v *= exp_neg_max;
    }
    for (float& v : row)
        v /= sum;
}

void transform_row(std::span<float> row, PostTransform transform) {
    switch (transform) {
        case PostTransform::kNone: return;
        case PostTransform::kLogistic:
            for (float& v : row)
                v = logistic(v);
            return;
        case PostTransform::kSoftmax: softmax(row); return;
        case PostTransform::kSoftmaxZero: softmax_zero(row); return;
        case PostTransform::kProbit:
            for (float& v : row)
                v = probit(v);
            return;
    }
}

void write_binary(float score, PostTransform transform, SecondClass second, float* out) {
    if (transform == PostTransform::kProbit) {
        out[0] = probit(score);
        if (second != SecondClass::kNone) out[1] = 0;  // onnxruntime leaves this column unwritten
        return;
    }
    switch (second) {
        case SecondClass::kNone: out[0] = score; return;
        case SecondClass::kComplement: {
            const float p = transform == PostTransform::kLogistic ? logistic(score) : score;
            out[0] = 1.f - p;
            out[1] = p;
            return;
        }
        case SecondClass::kNegate:
            if (transform == PostTransform::kLogistic) {
                out[0] = logistic(-score);
                out[1] = logistic(score);
            } else {
                out[0] = -score;
                out[1] = score;
            }
            return;
    }
}

ClassLabels::ClassLabels(const NodeContext& ctx, std::string_view ints_name, std::string_view strings_name)
    : ints(ctx.attr_ints(ints_name)), strings(ctx.attr_strings(strings_name)) {
    ctx.check(ints.empty() || strings.empty(), "give ", ints_name, " or ", strings_name, ", not both");
}

void ClassLabels::write(Tensor& out, int64_t row, std::size_t index) const {
    if (is_string())
        mutable_string_values(out)[static_cast<std::size_t>(row)] = strings[index];
    else
        out.data<int64_t>()[row] = ints[index];
}

void write_default_binary_label(Tensor& out, int64_t row, bool positive) {
    if (out.dtype() == DType::kString)
        mutable_string_values(out)[static_cast<std::size_t>(row)] = positive ? "1" : "0";
    else
        out.data<int64_t>()[row] = positive ? 1 : 0;
}

int64_t numeric_input(const NodeContext& ctx, std::size_t i) {
    ctx.check(ctx.has_input(i), "input ", i, " is missing");
    const DType dtype = ctx.input_dtype(i);
    ctx.check(dtype == DType::kFloat32 || dtype == DType::kFloat64 || dtype == DType::kInt64 || dtype == DType::kInt32,
              "input ", i, " must be float, double, int64 or int32, got ", dtype_name(dtype));
    const Shape& x = ctx.input_shape(i);
    ctx.check(!x.empty(), "input ", i, " must have rank 1 or more, got a scalar");
    return x.size() == 1 ? x[0] : x[1];
}

std::pair<int64_t, int64_t> feature_input(const NodeContext& ctx, std::size_t i) {
    const int64_t features = numeric_input(ctx, i);
    const Shape& x = ctx.input_shape(i);
    ctx.check(x.size() <= 2, "input X must be [N, C] or [C], got ", shape_str(x));
    return {x.size() == 1 ? 1 : x[0], features};
}

std::span<const float> features_as_float(const Tensor& x, std::vector<float>& buffer) {
    if (x.dtype() == DType::kFloat32) return x.span<float>();
    buffer.resize(static_cast<std::size_t>(x.numel()));
    dispatch_list(TypeList<double, int64_t, int32_t>{}, x.dtype(), [&]<class T>() {
        std::transform(x.data<T>(), x.data<T>() + x.numel(), buffer.begin(), [](T v) { return static_cast<float>(v); });
    });
    return buffer;
}

void linear_scores(const float* x, std::span<const float> weights, std::span<const float> bias, int64_t rows,
                   int64_t cols, int64_t outs, float* out) {
    parallel_for(rows, std::max<int64_t>(1, 8192 / std::max<int64_t>(cols * outs, 1)), [&](int64_t begin, int64_t end) {
        for (int64_t n = begin; n < end; ++n) {
            const float* row = x + n * cols;
            for (int64_t k = 0; k < outs; ++k) {
                const float* w = weights.data() + k * cols;
                float sum = 0;
                for (int64_t c = 0; c < cols; ++c)
                    sum += row[c] * w[c];
                out[n * outs + k] = sum + (bias.empty() ? 0.f : bias[static_cast<std::size_t>(k)]);
            }
        }
    });
}

void check_length(const NodeContext& ctx, std::string_view what, std::size_t got, std::size_t want) {
    ctx.check(got == want, what, " holds ", got, " values, expected ", want);
}

}  // namespace konnx::ops::ml
