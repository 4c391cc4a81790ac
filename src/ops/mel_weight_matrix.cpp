// SPDX-License-Identifier: MIT
// MelWeightMatrix (ONNX opset 17): [dft_length/2 + 1, num_mel_bins] triangular filters mapping a onesided
// spectrum to mel bins, as ONNX's reference defines them: num_mel_bins + 2 points evenly spaced in mel
// (mel = 2595 log10(1 + hz / 700)) between lower_edge_hertz and upper_edge_hertz, with a step of
// (high_mel - low_mel) / (num_mel_bins + 2); each point mapped to the spectrum bin
// floor((dft_length + 1) * hz / sample_rate). Filter i rises from point i to point i+1 and falls to point i+2.
// Inputs: num_mel_bins, dft_length, sample_rate (integer scalars), lower/upper_edge_hertz (float scalars);
// output type from output_datatype (default float).
#include "ops/support/spectral.hpp"

namespace konnx::ops {
namespace {

struct MelSpec {
    int64_t mel_bins = 0, dft_length = 0, sample_rate = 0;
    double lower = 0, upper = 0;
};

double scalar_float_input(const NodeContext& ctx, std::size_t i, const char* what) {
    const Tensor& t = ctx.require_value(i);
    ctx.check(t.numel() == 1, what, " must be a scalar, got ", shape_str(t.shape()));
    double v = 0;
    dispatch_list(NumericTypes{}, t.dtype(), [&]<class T>() { v = static_cast<double>(t.data<T>()[0]); });
    return v;
}

MelSpec mel_spec(const NodeContext& ctx) {
    for (std::size_t i = 0; i < 5; ++i)
        ctx.check(ctx.has_input(i), "expects 5 inputs");
    MelSpec s;
    s.mel_bins = scalar_int_input(ctx, 0, "num_mel_bins");
    s.dft_length = scalar_int_input(ctx, 1, "dft_length");
    s.sample_rate = scalar_int_input(ctx, 2, "sample_rate");
    s.lower = scalar_float_input(ctx, 3, "lower_edge_hertz");
    s.upper = scalar_float_input(ctx, 4, "upper_edge_hertz");
    ctx.check(s.mel_bins >= 1 && s.mel_bins <= (1 << 20), "num_mel_bins must be in [1, 2^20], got ", s.mel_bins);
    ctx.check(s.dft_length >= 1 && s.dft_length <= (1 << 24), "dft_length must be in [1, 2^24], got ", s.dft_length);
    ctx.check(s.sample_rate >= 1, "sample_rate must be >= 1, got ", s.sample_rate);
    ctx.check(s.lower >= 0 && s.lower <= s.upper, "need 0 <= lower_edge_hertz <= upper_edge_hertz");
    return s;
}

void infer(InferContext& ctx) {
    const MelSpec s = mel_spec(ctx);
    const auto dtype = static_cast<DType>(ctx.attr_int("output_datatype", 1));
    ctx.check(dtype_in(NumericTypes{}, dtype), "output_datatype must be a numeric type, got ", dtype_name(dtype));
    ctx.set_output(0, dtype, {s.dft_length / 2 + 1, s.mel_bins});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const MelSpec s = mel_spec(init);
    return make_kernel([s](const KernelRun& r) {
        const int64_t spectrum_bins = s.dft_length / 2 + 1, m = s.mel_bins;
        auto to_mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
        const double low_mel = to_mel(s.lower), step = (to_mel(s.upper) - low_mel) / static_cast<double>(m + 2);
        std::vector<int64_t> point(static_cast<std::size_t>(m + 2));
        for (int64_t i = 0; i < m + 2; ++i) {
            const double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * step + low_mel) / 2595.0) - 1.0);
            point[i] = static_cast<int64_t>(
                std::floor(static_cast<double>(s.dft_length + 1) * hz / static_cast<double>(s.sample_rate)));
        }
        std::vector<double> w(static_cast<std::size_t>(spectrum_bins * m), 0.0);
        auto set = [&](int64_t j, int64_t i, double v) {
            if (j >= 0 && j < spectrum_bins) w[j * m + i] = v;
        };
        for (int64_t i = 0; i < m; ++i) {
            const int64_t left = point[i], center = point[i + 1], right = point[i + 2];
            if (center == left) {
                set(center, i, 1.0);
            } else {
                for (int64_t j = left; j <= center; ++j)
                    set(j, i, static_cast<double>(j - left) / static_cast<double>(center - left));
            }
            for (int64_t j = center; j < right; ++j)
                set(j, i, static_cast<double>(right - j) / static_cast<double>(right - center));
        }
        dispatch_list(NumericTypes{}, r.out(0).dtype(), [&]<class T>() {
            T* out = r.out(0).data<T>();
            for (std::size_t k = 0; k < w.size(); ++k)
                out[k] = static_cast<T>(w[k]);
        });
    });
}

}  // namespace

void register_mel_weight_matrix(OpRegistry& registry) {
    registry.add({.name = "MelWeightMatrix", .since_version = 17, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
