// SPDX-License-Identifier: MIT
// DFT (ONNX opsets 17, 20): discrete Fourier transform along `axis` (an attribute, default 1, the first after the batch
// axis; any axis but the last, which holds 1 (real) or 2 (real, imaginary) components, as ONNX's shape inference
// accepts; from opset 20 input 2, default -2). Optional input dft_length (scalar) zero-pads or truncates the signal
// along the axis. inverse = 1 computes the inverse transform (scaled by 1/n); onesided = 1 keeps only the n/2 + 1
// non-redundant bins of a real signal's forward transform. Output: the input's shape with the axis of length n (n/2 + 1
// when onesided) and a last dim of 2. Direct O(n^2) transform in double precision: exact enough, and the node tests are
// small.
#include "ops/support/spectral.hpp"

namespace konnx::ops {
namespace {

struct DftShape {
    int64_t axis = 1, n = 0, out_len = 0;
    bool inverse = false;
    Shape out;
};

DftShape dft_shape(const NodeContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    const int64_t rank = static_cast<int64_t>(x.size());
    ctx.check(rank >= 3 && (x.back() == 1 || x.back() == 2), "input must be [batch, signal..., 1 or 2], got ",
              shape_str(x));
    DftShape s;
    // Opset 20 moves axis to input 2 (default -2: the axis before the complex components).
    const int64_t given =
        ctx.opset() >= 20 ? (ctx.has_input(2) ? scalar_int_input(ctx, 2, "axis") : -2) : ctx.attr_int("axis", 1);
    s.axis = given < 0 ? given + rank : given;
    ctx.check(s.axis >= 0 && s.axis <= rank - 2, "axis must be in [", -rank, ", ", rank - 2,
              "] (not the last axis, which holds the complex components), got ", given);
    s.inverse = ctx.attr_int("inverse", 0) != 0;
    const bool onesided = ctx.attr_int("onesided", 0) != 0;
    if (onesided) ctx.check(!s.inverse && x.back() == 1, "onesided needs a real signal and a forward transform");
    s.n = x[s.axis];
    if (ctx.has_input(1)) s.n = scalar_int_input(ctx, 1, "dft_length");
    ctx.check(s.n >= 1, "dft_length must be >= 1, got ", s.n);
    s.out_len = onesided ? s.n / 2 + 1 : s.n;
    s.out = x;
    s.out[s.axis] = s.out_len;
    s.out.back() = 2;
    return s;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0), "expects input");
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "input must be float32 or float64, got ", dtype_name(t));
    ctx.set_output(0, t, dft_shape(ctx).out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const DftShape s = dft_shape(init);
    return make_kernel([s](const KernelRun& r) {
        const Shape& x = r.in(0).shape();
        const int64_t comps = x.back(), len = x[s.axis];
        const int64_t outer = product(x, 0, s.axis), inner = product(x, s.axis + 1, x.size() - 1);
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            const T* in = r.in(0).data<T>();
            T* out = r.out(0).data<T>();
            parallel_for(outer * inner, 1, [&](int64_t begin, int64_t end) {
                std::vector<std::complex<double>> line(static_cast<std::size_t>(len)), result(s.out_len);
                for (int64_t li = begin; li < end; ++li) {
                    const int64_t o = li / inner, i = li % inner;
                    for (int64_t j = 0; j < len; ++j) {
                        const T* p = in + ((o * len + j) * inner + i) * comps;
                        line[j] = {static_cast<double>(p[0]), comps == 2 ? static_cast<double>(p[1]) : 0.0};
                    }
                    direct_dft(line.data(), len, s.n, s.inverse, result.data(), s.out_len);
                    for (int64_t k = 0; k < s.out_len; ++k) {
                        T* q = out + ((o * s.out_len + k) * inner + i) * 2;
                        q[0] = static_cast<T>(result[k].real());
                        q[1] = static_cast<T>(result[k].imag());
                    }
                }
            });
        });
    });
}

}  // namespace

void register_dft(OpRegistry& registry) {
    registry.add({.name = "DFT", .since_version = 17, .infer = infer, .make_kernel = make});
    registry.add({.name = "DFT", .since_version = 20, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
