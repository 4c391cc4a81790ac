// SPDX-License-Identifier: MIT
// STFT (ONNX opset 17): short-time Fourier transform of signal [batch, length, 1 (real) or 2 (complex)].
// Frames of frame_length samples start every frame_step samples; each is multiplied by `window` (when given) and
// transformed. frame_length is the optional input or the window's length (they must agree when both are given).
// onesided (default 1) keeps frame_length/2 + 1 bins and needs a real signal.
// Output [batch, frames, bins, 2], frames = (length - frame_length) / frame_step + 1.
#include "ops/support/spectral.hpp"

namespace konnx::ops {
namespace {

struct StftShape {
    int64_t step = 0, frame_length = 0, frames = 0, bins = 0;
    Shape out;
};

StftShape stft_shape(const NodeContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() == 3 && (x[2] == 1 || x[2] == 2), "signal must be [batch, length, 1 or 2], got ", shape_str(x));
    StftShape s;
    s.step = scalar_int_input(ctx, 1, "frame_step");
    ctx.check(s.step >= 1, "frame_step must be >= 1, got ", s.step);
    int64_t window_length = -1;
    if (ctx.has_input(2)) {
        ctx.check(ctx.input_rank(2) == 1, "window must be 1-D, got ", shape_str(ctx.input_shape(2)));
        window_length = ctx.input_shape(2)[0];
    }
    if (ctx.has_input(3)) {
        s.frame_length = scalar_int_input(ctx, 3, "frame_length");
        ctx.check(window_length < 0 || window_length == s.frame_length, "frame_length ", s.frame_length,
                  " differs from the window's length ", window_length);
    } else {
        ctx.check(window_length >= 0, "needs a window or a frame_length");
        s.frame_length = window_length;
    }
    ctx.check(s.frame_length >= 1 && s.frame_length <= x[1], "frame_length must be in [1, ", x[1], "], got ",
              s.frame_length);
    const bool onesided = ctx.attr_int("onesided", 1) != 0;
    if (onesided) ctx.check(x[2] == 1, "onesided needs a real signal");
    s.frames = (x[1] - s.frame_length) / s.step + 1;
    s.bins = onesided ? s.frame_length / 2 + 1 : s.frame_length;
    s.out = {x[0], s.frames, s.bins, 2};
    return s;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0) && ctx.has_input(1), "expects inputs signal and frame_step");
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "signal must be float32 or float64, got ", dtype_name(t));
    if (ctx.has_input(2)) ctx.check(ctx.input_dtype(2) == t, "window must have the signal's type");
    ctx.set_output(0, t, stft_shape(ctx).out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const StftShape s = stft_shape(init);
    return make_kernel([s](const KernelRun& r) {
        const Shape& x = r.in(0).shape();
        const int64_t comps = x[2], length = x[1];
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            const T* in = r.in(0).data<T>();
            const T* window = r.has_in(2) ? r.in(2).data<T>() : nullptr;
            T* out = r.out(0).data<T>();
            parallel_for(x[0] * s.frames, 1, [&](int64_t begin, int64_t end) {
                std::vector<std::complex<double>> frame(s.frame_length), result(s.bins);
                for (int64_t bf = begin; bf < end; ++bf) {
                    const int64_t b = bf / s.frames, f = bf % s.frames;
                    for (int64_t j = 0; j < s.frame_length; ++j) {
                        const T* p = in + (b * length + f * s.step + j) * comps;
                        const double w = window ? static_cast<double>(window[j]) : 1.0;
                        frame[j] = {w * static_cast<double>(p[0]), comps == 2 ? w * static_cast<double>(p[1]) : 0.0};
                    }
                    direct_dft(frame.data(), s.frame_length, s.frame_length, false, result.data(), s.bins);
                    for (int64_t k = 0; k < s.bins; ++k) {
                        out[(bf * s.bins + k) * 2] = static_cast<T>(result[k].real());
                        out[(bf * s.bins + k) * 2 + 1] = static_cast<T>(result[k].imag());
                    }
                }
            });
        });
    });
}

}  // namespace

void register_stft(OpRegistry& registry) {
    registry.add({.name = "STFT", .since_version = 17, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
