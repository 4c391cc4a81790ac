// SPDX-License-Identifier: MIT
// BatchNormalization (ONNX opsets 6, 7, 9, 14, 15):
//   Y = (X - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + B[c]   over X [N, C, ...]
// Parameters may be float or double independently of X (opsets 14/15 allow mixed types).
// training_mode=1 (opset 14+) normalizes with the batch's per-channel mean and population variance instead and
// outputs running_mean = mean * momentum + batch_mean * (1 - momentum) (running_var likewise, momentum default
// 0.9), as ONNX's reference does. is_test=0 (opset 6) and opset 7's spatial=0 per-activation statistics are
// refused as unsupported. The per-channel factors are computed once at plan time when the parameters are constant.
#include <algorithm>
#include <cmath>

#include "core/parallel.hpp"
#include "ops/support/nn_norm.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() >= 2, "X must have rank >= 2 (N, C, ...), got ", shape_str(x));
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "X must be float or double, got ", dtype_name(t));
    const bool training = ctx.opset() >= 14 && ctx.attr_int("training_mode", 0) != 0;
    if (ctx.opset() < 7 && ctx.attr_int("is_test", 0) == 0)
        ctx.unsupported("is_test=0 (training) is not supported; konnx runs inference only");
    if (ctx.attr_int("spatial", 1) == 0) ctx.unsupported("spatial=0 is not supported");
    for (std::size_t i = 1; i < ctx.num_outputs(); ++i)
        ctx.check(!ctx.has_output(i) || (training && i < 3), "outputs beyond Y exist only in training mode");
    const char* names[] = {"scale", "B", "mean", "var"};
    for (std::size_t i = 1; i <= 4; ++i)
        check_param(ctx, i, names[i - 1], Shape{x[1]});
    ctx.set_output(0, t, x);
    for (std::size_t i = 1; i < 3; ++i)
        if (training && ctx.has_output(i)) ctx.set_output(i, ctx.input_dtype(i + 2), Shape{x[1]});
}

// y = x * a[c] + b[c], with a = scale / sqrt(var + eps), b = B - mean * a.
struct Factors {
    std::vector<double> a, b;
};

Factors factors(const Tensor& scale, const Tensor& bias, const Tensor& mean, const Tensor& var, double epsilon) {
    Factors f{as_doubles(scale), as_doubles(bias)};
    const std::vector<double> m = as_doubles(mean), v = as_doubles(var);
    for (std::size_t c = 0; c < f.a.size(); ++c) {
        f.a[c] = f.a[c] / std::sqrt(v[c] + epsilon);
        f.b[c] = f.b[c] - m[c] * f.a[c];
    }
    return f;
}

template <class T>
void apply(const Factors& f, const Tensor& x, Tensor& y) {
    const int64_t channels = x.dim(1), planes = x.dim(0) * channels;
    const int64_t size = planes ? x.numel() / planes : 0;
    const T* in = x.data<T>();
    T* out = y.data<T>();
    parallel_for(planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(size, 1)), [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
            const T a = static_cast<T>(f.a[static_cast<std::size_t>(p % channels)]);
            const T b = static_cast<T>(f.b[static_cast<std::size_t>(p % channels)]);
            for (int64_t i = p * size; i < (p + 1) * size; ++i)
                out[i] = in[i] * a + b;
        }
    });
}

// The batch's per-channel mean and population variance of X [N, C, ...].
template <class T>
void batch_statistics(const Tensor& x, std::vector<double>& mean, std::vector<double>& var) {
    const int64_t channels = x.dim(1), planes = x.dim(0) * channels;
    const int64_t size = planes ? x.numel() / planes : 0;
    const double count = static_cast<double>(std::max<int64_t>(x.dim(0) * size, 1));
    mean.assign(static_cast<std::size_t>(channels), 0.0);
    var.assign(static_cast<std::size_t>(channels), 0.0);
    const T* in = x.data<T>();
    for (int64_t p = 0; p < planes; ++p)
        for (int64_t i = p * size; i < (p + 1) * size; ++i)
            mean[static_cast<std::size_t>(p % channels)] += static_cast<double>(in[i]);
    for (auto& m : mean)
        m /= count;
    for (int64_t p = 0; p < planes; ++p)
        for (int64_t i = p * size; i < (p + 1) * size; ++i) {
            const double d = static_cast<double>(in[i]) - mean[static_cast<std::size_t>(p % channels)];
            var[static_cast<std::size_t>(p % channels)] += d * d;
        }
    for (auto& v : var)
        v /= count;
}

// running = old * momentum + batch * (1 - momentum), in the running output's type.
void write_running(const Tensor& old, const std::vector<double>& batch, double momentum, Tensor& out) {
    const std::vector<double> o = as_doubles(old);
    dispatch<float, double>(out.dtype(), [&]<class T>() {
        for (std::size_t c = 0; c < batch.size(); ++c)
            out.data<T>()[c] = static_cast<T>(o[c] * momentum + batch[c] * (1.0 - momentum));
    });
}

std::unique_ptr<Kernel> make_training(double epsilon, double momentum) {
    return make_kernel([epsilon, momentum](const KernelRun& r) {
        std::vector<double> mean, var;
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() { batch_statistics<T>(r.in(0), mean, var); });
        Factors f{as_doubles(r.in(1)), as_doubles(r.in(2))};
        for (std::size_t c = 0; c < f.a.size(); ++c) {
            f.a[c] = f.a[c] / std::sqrt(var[c] + epsilon);
            f.b[c] = f.b[c] - mean[c] * f.a[c];
        }
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() { apply<T>(f, r.in(0), r.out(0)); });
        if (r.has_out(1)) write_running(r.in(3), mean, momentum, r.out(1));
        if (r.has_out(2)) write_running(r.in(4), var, momentum, r.out(2));
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const double epsilon = init.attr_float("epsilon", 1e-5f);
    if (init.opset() >= 14 && init.attr_int("training_mode", 0) != 0)
        return make_training(epsilon, init.attr_float("momentum", 0.9f));
    const Tensor *s = init.input_value(1), *b = init.input_value(2), *m = init.input_value(3), *v = init.input_value(4);
    if (s && b && m && v) {
        return make_kernel([f = factors(*s, *b, *m, *v, epsilon)](const KernelRun& r) {
            dispatch<float, double>(r.in(0).dtype(), [&]<class T>() { apply<T>(f, r.in(0), r.out(0)); });
        });
    }
    return make_kernel([epsilon](const KernelRun& r) {
        const Factors f = factors(r.in(1), r.in(2), r.in(3), r.in(4), epsilon);
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() { apply<T>(f, r.in(0), r.out(0)); });
    });
}

}  // namespace

void register_batch_normalization(OpRegistry& registry) {
    registry.add({.name = "BatchNormalization",
                  .since_version = 6,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
