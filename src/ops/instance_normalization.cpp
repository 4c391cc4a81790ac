// SPDX-License-Identifier: MIT
// InstanceNormalization (ONNX opset 6): each N*C plane of X [N, C, ...] is normalized by its own
// mean and (biased) variance: y = scale[c] * (x - mean) / sqrt(var + epsilon) + B[c].
#include <cmath>

#include "core/parallel.hpp"
#include "ops/support/nn_norm.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() >= 3, "input must have rank >= 3 (N, C, spatial...), got ", shape_str(x));
    check_param(ctx, 1, "scale", Shape{x[1]});
    check_param(ctx, 2, "B", Shape{x[1]});
    ctx.set_output(0, ctx.input_dtype(0), x);
}

template <class T>
void instance_norm(const Tensor& x, const std::vector<double>& scale, const std::vector<double>& bias, double eps,
                   Tensor& y) {
    const int64_t channels = x.dim(1), planes = x.dim(0) * channels;
    const int64_t size = planes ? x.numel() / planes : 0;
    const T* in = x.data<T>();
    T* out = y.data<T>();
    parallel_for(planes, 1, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
            const T* xp = in + p * size;
            double sum = 0, sq = 0;
            for (int64_t i = 0; i < size; ++i)
                sum += xp[i];
            const double mean = size ? sum / static_cast<double>(size) : 0.0;
            for (int64_t i = 0; i < size; ++i)
                sq += (xp[i] - mean) * (xp[i] - mean);
            const double var = size ? sq / static_cast<double>(size) : 0.0;
            const double a = scale[static_cast<std::size_t>(p % channels)] / std::sqrt(var + eps);
            const double b = bias[static_cast<std::size_t>(p % channels)] - mean * a;
            for (int64_t i = 0; i < size; ++i)
                out[p * size + i] = static_cast<T>(xp[i] * a + b);
        }
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const double epsilon = init.attr_float("epsilon", 1e-5f);
    return make_kernel([epsilon](const KernelRun& r) {
        const std::vector<double> scale = as_doubles(r.in(1)), bias = as_doubles(r.in(2));
        dispatch<float, double>(r.in(0).dtype(),
                                [&]<class T>() { instance_norm<T>(r.in(0), scale, bias, epsilon, r.out(0)); });
    });
}

}  // namespace

void register_instance_normalization(OpRegistry& registry) {
    registry.add({.name = "InstanceNormalization",
                  .since_version = 6,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
