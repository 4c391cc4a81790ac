// SPDX-License-Identifier: MIT
// MeanVarianceNormalization (ONNX opsets 9, 13): over the reduced `axes` (default [0, 2, 3]),
//   y = (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9)
// exactly as the ONNX function body defines it (epsilon added to the standard deviation).
#include <cmath>

#include "core/dispatch.hpp"
#include "core/shape.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

std::vector<bool> reduced_axes(const NodeContext& ctx) {
    const int64_t rank = ctx.input_rank(0);
    std::vector<bool> reduced(static_cast<std::size_t>(rank), false);
    for (int64_t a : ctx.attr_ints("axes", {0, 2, 3})) {
        ctx.check(a >= -rank && a < rank, "axis ", a, " is out of range for rank ", rank);
        reduced[static_cast<std::size_t>(a < 0 ? a + rank : a)] = true;
    }
    return reduced;
}

void infer(InferContext& ctx) {
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "X must be float or double, got ", dtype_name(t));
    reduced_axes(ctx);
    ctx.set_output(0, t, ctx.input_shape(0));
}

template <class T>
void mvn(const Tensor& x, const std::vector<bool>& reduced, Tensor& y) {
    const Shape& shape = x.shape();
    Shape kept = shape;  // the statistics' shape: reduced dims become 1
    for (std::size_t d = 0; d < shape.size(); ++d)
        if (reduced[d]) kept[d] = 1;
    const std::vector<int64_t> to_group = broadcast_strides(kept, shape);
    const int64_t n = x.numel(), groups = product(kept);
    std::vector<int64_t> group(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) {  // group of each element
        int64_t rest = i, g = 0;
        for (std::size_t d = shape.size(); d-- > 0;) {
            g += rest % shape[d] * to_group[d];
            rest /= shape[d];
        }
        group[static_cast<std::size_t>(i)] = g;
    }
    std::vector<double> sum(static_cast<std::size_t>(groups)), sq(static_cast<std::size_t>(groups));
    const T* in = x.data<T>();
    for (int64_t i = 0; i < n; ++i) {
        sum[static_cast<std::size_t>(group[static_cast<std::size_t>(i)])] += in[i];
        sq[static_cast<std::size_t>(group[static_cast<std::size_t>(i)])] += static_cast<double>(in[i]) * in[i];
    }
    const double count = groups ? static_cast<double>(n / groups) : 1.0;
    T* out = y.data<T>();
    for (int64_t i = 0; i < n; ++i) {
        const auto g = static_cast<std::size_t>(group[static_cast<std::size_t>(i)]);
        const double mean = sum[g] / count, var = std::max(sq[g] / count - mean * mean, 0.0);
        out[i] = static_cast<T>((in[i] - mean) / (std::sqrt(var) + 1e-9));
    }
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([reduced = reduced_axes(init)](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() { mvn<T>(r.in(0), reduced, r.out(0)); });
    });
}

}  // namespace

void register_mean_variance_normalization(OpRegistry& registry) {
    registry.add({.name = "MeanVarianceNormalization",
                  .since_version = 9,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
