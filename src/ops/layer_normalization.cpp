// SPDX-License-Identifier: MIT
// LayerNormalization (ONNX opset 17): normalizes X over its trailing dims [axis, rank):
//   Y = (X - mean) * InvStdDev * Scale + B,  InvStdDev = 1 / sqrt(var + epsilon)  (biased variance)
// Scale and the optional B broadcast to X.shape[axis:]. Optional outputs Mean and InvStdDev have shape
// X.shape[:axis] + [1] * (rank - axis) and the stash_type (only 1 = float32 is defined). Statistics
// are accumulated in double, except for float32 X: two vectorized passes with float partial sums.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "ops/support/nn_norm.hpp"

namespace konnx::ops {
namespace {

int64_t norm_axis(const NodeContext& ctx) {
    const int64_t rank = ctx.input_rank(0);
    ctx.check(rank >= 1, "X must have rank >= 1");
    const int64_t axis = ctx.attr_int("axis", -1);
    ctx.check(axis >= -rank && axis < rank, "axis ", axis, " is out of range for rank ", rank);
    return axis < 0 ? axis + rank : axis;
}

void infer(InferContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "X must be float or double, got ", dtype_name(t));
    const int64_t axis = norm_axis(ctx);
    const int64_t stash = ctx.attr_int("stash_type", 1);
    if (stash != 1) ctx.unsupported("stash_type ", stash, " is not supported (only 1 = float)");
    const Shape normalized(x.begin() + axis, x.end());
    for (std::size_t i = 1; i <= 2; ++i) {
        if (!ctx.has_input(i)) continue;
        ctx.check(ctx.input_dtype(i) == t, i == 1 ? "Scale" : "B", " must have X's type");
        Shape b;
        try {
            b = broadcast_shapes(ctx.input_shape(i), normalized);
        } catch (const Error&) {
        }
        ctx.check(b == normalized, i == 1 ? "Scale " : "B ", shape_str(ctx.input_shape(i)),
                  " does not broadcast to the normalized shape ", shape_str(normalized));
    }
    ctx.set_output(0, t, x);
    Shape stats(x.begin(), x.begin() + axis);
    stats.resize(x.size(), 1);
    if (ctx.has_output(1)) ctx.set_output(1, DType::kFloat32, stats);
    if (ctx.has_output(2)) ctx.set_output(2, DType::kFloat32, stats);
}

// float: vectorized two-pass statistics with float partial sums (the vector lanes keep the rounding of a
// 768-wide row near 1e-7), as a Transformer runs 2 of them per layer.
void layer_norm_float(const KernelRun& r, const float* g, const float* b, int64_t size, int64_t rows, float eps) {
    const float* in = r.in(0).data<float>();
    float* out = r.out(0).data<float>();
    float* mean_out = r.has_out(1) ? r.out(1).data<float>() : nullptr;
    float* inv_out = r.has_out(2) ? r.out(2).data<float>() : nullptr;
    parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(size, 1)), [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
            const float* xr = in + row * size;
            float* yr = out + row * size;
            float sum = 0, sq = 0;
#pragma omp simd reduction(+ : sum)
            for (int64_t i = 0; i < size; ++i)
                sum += xr[i];
            const float mean = sum / static_cast<float>(size);
#pragma omp simd reduction(+ : sq)
            for (int64_t i = 0; i < size; ++i)
                sq += (xr[i] - mean) * (xr[i] - mean);
            const float inv = 1.0f / std::sqrt(sq / static_cast<float>(size) + eps);
#pragma omp simd
            for (int64_t i = 0; i < size; ++i)
                yr[i] = (xr[i] - mean) * inv * g[i] + b[i];
            if (mean_out) mean_out[row] = mean;
            if (inv_out) inv_out[row] = inv;
        }
    });
}

template <class T>
void layer_norm(const KernelRun& r, int64_t axis, double eps) {
    const Tensor& x = r.in(0);
    const Shape normalized(x.shape().begin() + axis, x.shape().end());
    const int64_t size = product(normalized), rows = size ? x.numel() / size : 0;
    // Scale / B as full-size vectors over the normalized shape (they are small).
    auto expand = [&](std::size_t i, double fallback) {
        std::vector<double> full(static_cast<std::size_t>(size), fallback);
        if (!r.has_in(i)) return full;
        const std::vector<double> v = as_doubles(r.in(i));
        const std::vector<int64_t> strides = broadcast_strides(r.in(i).shape(), normalized);
        for (int64_t e = 0; e < size; ++e) {
            int64_t rest = e, at = 0;
            for (std::size_t d = normalized.size(); d-- > 0;) {
                at += rest % normalized[d] * strides[d];
                rest /= normalized[d];
            }
            full[static_cast<std::size_t>(e)] = v[static_cast<std::size_t>(at)];
        }
        return full;
    };
    if constexpr (std::is_same_v<T, float>) {
        // Scale and B of the full normalized size (as exporters write them) are read in place.
        const auto full = [&](std::size_t i) { return r.has_in(i) && r.in(i).numel() == size; };
        if (full(1) && full(2)) {
            layer_norm_float(r, r.in(1).data<float>(), r.in(2).data<float>(), size, rows, static_cast<float>(eps));
            return;
        }
        const std::vector<double> scale = expand(1, 1.0), bias = expand(2, 0.0);
        const std::vector<float> g(scale.begin(), scale.end()), b(bias.begin(), bias.end());
        layer_norm_float(r, g.data(), b.data(), size, rows, static_cast<float>(eps));
        return;
    }
    const std::vector<double> scale = expand(1, 1.0), bias = expand(2, 0.0);
    const T* in = x.data<T>();
    T* out = r.out(0).data<T>();
    float* mean_out = r.has_out(1) ? r.out(1).data<float>() : nullptr;
    float* inv_out = r.has_out(2) ? r.out(2).data<float>() : nullptr;
    parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(size, 1)), [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
            const T* xr = in + row * size;
            double sum = 0, sq = 0;
            for (int64_t i = 0; i < size; ++i)
                sum += xr[i];
            const double mean = sum / static_cast<double>(size);
            for (int64_t i = 0; i < size; ++i)
                sq += (xr[i] - mean) * (xr[i] - mean);
            const double inv = 1.0 / std::sqrt(sq / static_cast<double>(size) + eps);
            for (int64_t i = 0; i < size; ++i)
                out[row * size + i] = static_cast<T>((xr[i] - mean) * inv * scale[static_cast<std::size_t>(i)] +
                                                     bias[static_cast<std::size_t>(i)]);
            if (mean_out) mean_out[row] = static_cast<float>(mean);
            if (inv_out) inv_out[row] = static_cast<float>(inv);
        }
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const int64_t axis = norm_axis(init);
    const double epsilon = init.attr_float("epsilon", 1e-5f);
    return make_kernel([axis, epsilon](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() { layer_norm<T>(r, axis, epsilon); });
    });
}

}  // namespace

void register_layer_normalization(OpRegistry& registry) {
    registry.add({.name = "LayerNormalization",
                  .since_version = 17,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
