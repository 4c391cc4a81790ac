// SPDX-License-Identifier: MIT
// Shared pieces of the signal-processing ops (HannWindow, HammingWindow, BlackmanWindow, DFT, STFT,
// MelWeightMatrix): the window-function generator and a direct (O(n^2)) complex DFT in double precision.
#pragma once

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "ops/support/elementwise_math.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {

/// A scalar integer input's value (int32 or int64), checked to be a scalar.
inline int64_t scalar_int_input(const NodeContext& ctx, std::size_t i, const char* what) {
    const Tensor& t = ctx.require_value(i);
    ctx.check(t.numel() == 1, what, " must be a scalar, got ", shape_str(t.shape()));
    return int_values(t)[0];
}

/// Window ops (opset 17): the `size` input, `periodic` (default 1) and `output_datatype` (default float).
/// w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), N = size (periodic) or size - 1 (symmetric).
struct CosineWindow {
    double a0, a1, a2;
};

inline void infer_cosine_window(InferContext& ctx) {
    ctx.check(ctx.has_input(0), "expects input size");
    const int64_t size = scalar_int_input(ctx, 0, "size");
    ctx.check(size >= 0 && size <= kMaxElements, "size must be in [0, ", kMaxElements, "], got ", size);
    const auto dtype = static_cast<DType>(ctx.attr_int("output_datatype", 1));
    ctx.check(dtype_in(NumericTypes{}, dtype), "output_datatype must be a numeric type, got ", dtype_name(dtype));
    ctx.set_output(0, dtype, {size});
}

inline std::unique_ptr<Kernel> make_cosine_window(const KernelInit& init, CosineWindow c) {
    const bool periodic = init.attr_int("periodic", 1) != 0;
    return make_kernel([c, periodic](const KernelRun& r) {
        Tensor& y = r.out(0);
        const int64_t size = y.numel();
        const double denom = static_cast<double>(periodic ? size : size - 1);
        dispatch_list(NumericTypes{}, y.dtype(), [&]<class T>() {
            T* out = y.data<T>();
            for (int64_t n = 0; n < size; ++n) {
                const double phase = denom > 0 ? 2.0 * std::numbers::pi * static_cast<double>(n) / denom : 0.0;
                out[n] = static_cast<T>(c.a0 - c.a1 * std::cos(phase) + c.a2 * std::cos(2.0 * phase));
            }
        });
    });
}

/// out[k] = sum_j in[j] exp(-+2 pi i j k / n) for k < out_len, over `n` input points (missing ones are zero).
inline void direct_dft(const std::complex<double>* in, int64_t in_len, int64_t n, bool inverse,
                       std::complex<double>* out, int64_t out_len) {
    const double sign = inverse ? 1.0 : -1.0;
    const int64_t used = std::min(in_len, n);
    for (int64_t k = 0; k < out_len; ++k) {
        std::complex<double> acc = 0;
        for (int64_t j = 0; j < used; ++j) {
            const double angle =
                sign * 2.0 * std::numbers::pi * static_cast<double>((j * k) % n) / static_cast<double>(n);
            acc += in[j] * std::complex<double>(std::cos(angle), std::sin(angle));
        }
        out[k] = inverse ? acc / static_cast<double>(n) : acc;
    }
}

}  // namespace konnx::ops
