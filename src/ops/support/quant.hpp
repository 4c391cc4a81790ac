// SPDX-License-Identifier: MIT
// Shared pieces of the quantization ops (QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
// ConvInteger, MatMulInteger, QLinearConv, QLinearMatMul): zero points and scales that are scalars or
// per-axis vectors, integer tensors widened to int32 with their zero point removed, the int32 conv loop
// (the matmul ones use ops/support/matmul.hpp), and requantization (round half to even, saturate), as ONNX's reference
// implementation does.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/shape.hpp"
#include "ops/support/nn_window.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

/// True for the 8-bit types quantized tensors use.
inline bool is_quantized_type(DType t) { return t == DType::kUInt8 || t == DType::kInt8; }

/// Checks that input i is absent, a scalar/[1], or a 1-D vector of `axis_len` elements (per-axis).
void check_per_axis(const NodeContext& ctx, std::size_t i, int64_t axis_len, const char* what);

/// Element k of a scalar-or-per-axis tensor (any numeric type), as double; 0 when `t` is null or undefined.
double per_axis_value(const Tensor* t, int64_t k);

/// x as int32 with the zero point subtracted; zp is null, a scalar, or per-axis along `axis` of x.
std::vector<int32_t> centered_int32(const Tensor& x, const Tensor* zero_point, int64_t axis);

/// std::nearbyint under the default rounding mode: half to even, like numpy's rint.
inline double round_half_even(double v) { return std::nearbyint(v); }

/// Rounded, shifted by the zero point and saturated to T's range.
template <class T>
T saturate_round(double v, double zero_point) {
    const double r = round_half_even(v) + zero_point;
    if (std::isnan(r)) return T(0);  // e.g. 0 / 0 with a zero scale: undefined in ONNX, kept well-defined here
    return static_cast<T>(std::clamp(r, static_cast<double>(std::numeric_limits<T>::lowest()),
                                     static_cast<double>(std::numeric_limits<T>::max())));
}

/// Writes v (double) into an 8-bit or int32 output tensor element, saturating.
void store_quantized(Tensor& out, int64_t i, double v, double zero_point);

/// Geometry of an integer convolution: X [N, C, spatial...], W [M, C/group, k...].
struct IntConvShape {
    int64_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
    Window window;
    Shape out;
};
IntConvShape int_conv_shape(const NodeContext& ctx, std::size_t x_input, std::size_t w_input);
/// y[n, m, ...] = bias[m] + sum x*w over the window, all int32.
void int_conv(const IntConvShape& s, const int32_t* x, const int32_t* w, const int32_t* bias, int32_t* y);

}  // namespace konnx::ops
