// SPDX-License-Identifier: MIT
// Private helpers of the elementwise op family (src/ops/{abs,sub,clip,max,...}.cpp): type lists, half-precision
// widening, wrapping integer arithmetic, and kernel builders for unary maps, binary broadcast maps (with the
// legacy opset < 7 `broadcast`/`axis` attributes) and variadic folds. Each op keeps its own file and registration.
#pragma once

#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>

#include "core/dispatch.hpp"
#include "core/half.hpp"
#include "core/strings.hpp"
#include "ops/support/elementwise.hpp"

namespace konnx::ops {

using FloatHalfTypes = TypeList<float, double, Float16, BFloat16>;
using SignedTypes = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t>;
using NumericHalfTypes = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t,
                                  uint16_t, uint32_t, uint64_t>;
using NumericHalfBoolTypes = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t,
                                      uint16_t, uint32_t, uint64_t, bool>;

template <class T>
inline constexpr bool is_half_v = std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;
/// The type arithmetic on T is done in: float for the 16-bit floats, T otherwise.
template <class T>
using compute_t = std::conditional_t<is_half_v<T>, float, T>;

template <class T>
inline compute_t<T> widen(T x) {
    if constexpr (std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>)
        return to_float(x);
    else
        return x;
}
template <class T, class V>
inline T narrow(V x) {
    if constexpr (std::is_same_v<T, Float16>)
        return to_float16(static_cast<float>(x));
    else if constexpr (std::is_same_v<T, BFloat16>)
        return to_bfloat16(static_cast<float>(x));
    else
        return static_cast<T>(x);
}

template <class T>
inline constexpr bool is_float_v = std::is_floating_point_v<compute_t<T>>;

/// Integer +, -, * that wrap around like numpy instead of overflowing (signed overflow is UB in C++).
template <class T>
using wide_unsigned_t = std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>;
template <class T>
inline T wrap_add(T a, T b) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
        return static_cast<T>(static_cast<wide_unsigned_t<T>>(a) + static_cast<wide_unsigned_t<T>>(b));
    else
        return a + b;
}
template <class T>
inline T wrap_sub(T a, T b) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
        return static_cast<T>(static_cast<wide_unsigned_t<T>>(a) - static_cast<wide_unsigned_t<T>>(b));
    else
        return a - b;
}
template <class T>
inline T wrap_mul(T a, T b) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
        return static_cast<T>(static_cast<wide_unsigned_t<T>>(a) * static_cast<wide_unsigned_t<T>>(b));
    else
        return a * b;
}

// ---------------------------------------------------------------------------------------------
// Vectorizable float helpers. GCC (at -O2, with trapping math) does not if-convert `c ? a : b` on floats when a
// or b needs arithmetic, so loops using it stay scalar; these blend bit patterns instead and vectorize.

/// c ? a : b without a branch, for float and double (any other type uses the plain conditional).
template <class V>
inline V select(bool c, V a, V b) {
    if constexpr (std::is_same_v<V, float> || std::is_same_v<V, double>) {
        using U = std::conditional_t<sizeof(V) == 4, uint32_t, uint64_t>;
        const U m = U(0) - static_cast<U>(c);
        return std::bit_cast<V>((std::bit_cast<U>(a) & m) | (std::bit_cast<U>(b) & ~m));
    } else {
        return c ? a : b;
    }
}

/// e^x for float x <= 0, within 2 ulp (Cephes expf polynomial on x - n ln2, scaled by 2^n through the exponent
/// bits). Inputs below -87.3 give e^-87.3 (about FLT_MIN) instead of denormals or 0.
inline float exp_nonpositive(float x) {
    x = select(x < -87.3f, -87.3f, x);
    const float t = x * 1.44269504088896341f + 12582912.0f;  // adding 1.5 * 2^23 rounds to an integer
    const float n = t - 12582912.0f;
    const int32_t ni = std::bit_cast<int32_t>(t) - 0x4B400000;
    float r = x - n * 0.693359375f;  // ln2 split in two for an exact reduction
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    return p * std::bit_cast<float>(static_cast<int32_t>(static_cast<uint32_t>(ni + 127) << 23));
}

/// erf(x) for float, within 3e-7 absolute (about 2 ulp; NaN stays NaN), branch-free so loops over it
/// vectorize (std::erf is a scalar libm call). |x| < 1: x P(x^2); 1 <= |x| < 4: 1 - e^(-x^2) Q(1/|x|);
/// beyond, 1 (erf(4) rounds to 1 in float). P and Q are least-squares fits (degree 6 and 8) to erf and to
/// erfc(x) e^(x^2), made for konnx with numpy.
inline float erf_float(float x) {
    const float a = std::min(std::fabs(x), 4.0f);
    const float t = a * a;
    float p = 7.958780442e-05f;
    p = p * t - 8.041438502e-04f;
    p = p * t + 5.191826901e-03f;
    p = p * t - 2.685562939e-02f;
    p = p * t + 1.128362844e-01f;
    p = p * t - 3.761262975e-01f;
    p = p * t + 1.128379166e+00f;
    const float u = 1.0f / std::max(a, 1.0f);
    float q = -1.009898472e-02f;
    q = q * u + 3.119996193e-02f;
    q = q * u + 1.941437948e-02f;
    q = q * u - 2.383471716e-01f;
    q = q * u + 4.955395731e-01f;
    q = q * u - 4.715007632e-01f;
    q = q * u + 4.208735734e-02f;
    q = q * u + 5.590164885e-01f;
    q = q * u + 2.726722689e-04f;
    const float r = select(a < 1.0f, a * p, 1.0f - exp_nonpositive(-t) * q);
    const uint32_t sign = std::bit_cast<uint32_t>(x) & 0x80000000u;
    return select(x != x, x, std::bit_cast<float>(std::bit_cast<uint32_t>(r) | sign));
}

/// Checks that input `i` has the same dtype as input 0.
void check_same_dtype(const NodeContext& ctx, std::size_t i);

template <class... Ts>
constexpr bool dtype_in(TypeList<Ts...>, DType dtype) {
    return ((dtype == dtype_of<Ts>()) || ...);
}
/// Fails with kUnsupported unless input `i` has a type in `Types`.
template <class Types>
void check_dtype_in(const NodeContext& ctx, std::size_t i) {
    if (!dtype_in(Types{}, ctx.input_dtype(i)))
        ctx.unsupported("input ", i, " has unsupported type ", dtype_name(ctx.input_dtype(i)));
}
/// Shape function of unary ops on `Types`: output = input 0's dtype and shape.
template <class Types>
void infer_unary(InferContext& ctx) {
    ctx.check(ctx.num_inputs() >= 1 && ctx.has_input(0), "input 0 is missing");
    check_dtype_in<Types>(ctx, 0);
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

/// y = f(x) for T in `Types`; f is called on compute_t<T> (floats for the 16-bit types) and returns it.
template <class... Ts, class F>
void run_unary(TypeList<Ts...>, const KernelRun& r, F f) {
    dispatch<Ts...>(r.in(0).dtype(), [&]<class T>() {
        map_unary<T, T>(r.in(0), r.out(0), [f](T x) { return narrow<T>(f(widen(x))); });
    });
}

/// y = pred(x) as bool, for T in `Types`.
template <class... Ts, class F>
void run_predicate(TypeList<Ts...>, const KernelRun& r, F pred) {
    dispatch<Ts...>(r.in(0).dtype(), [&]<class T>() {
        map_unary<T, bool>(r.in(0), r.out(0), [pred](T x) { return static_cast<bool>(pred(widen(x))); });
    });
}

// ---------------------------------------------------------------------------------------------
// Binary ops

/// The shape input 1 is read with. Since opset 7 it is its own shape (numpy broadcasting); before, B is
/// broadcast to A only when `broadcast`=1, aligned at `axis` (default: trailing), so it is padded with 1s here.
Shape binary_b_shape(const NodeContext& ctx);
/// Output 0 = broadcast(A, B as binary_b_shape) with `dtype` (input 0's when undefined).
void infer_binary(InferContext& ctx, DType dtype = DType::kUndefined);

/// Shape function of binary ops whose two inputs share a type in `Types`; output dtype = that type.
template <class Types>
void infer_binary_same(InferContext& ctx) {
    binary_b_shape(ctx);  // checks the input count
    check_same_dtype(ctx, 1);
    check_dtype_in<Types>(ctx, 0);
    infer_binary(ctx);
}
/// Shape function of comparisons: inputs of one type in `Types`, bool output.
template <class Types>
void infer_compare(InferContext& ctx) {
    binary_b_shape(ctx);
    check_same_dtype(ctx, 1);
    check_dtype_in<Types>(ctx, 0);
    infer_binary(ctx, DType::kBool);
}

/// Input 1 viewed with the shape binary_b_shape() gave (a copy of the handle, sharing data).
inline const Tensor& binary_b(const KernelRun& r, const Shape& b_shape, Tensor& holder) {
    if (r.in(1).shape() == b_shape) return r.in(1);
    holder = r.in(1).reshaped(b_shape);
    return holder;
}

/// Kernel for out = f(a, b) with a, b, out of one type T in `Types`; f works on compute_t<T>.
template <class Types, class F>
std::unique_ptr<Kernel> make_binary_kernel(const KernelInit& init, F f) {
    return make_kernel([f, b_shape = binary_b_shape(init)](const KernelRun& r) {
        Tensor holder;
        const Tensor& b = binary_b(r, b_shape, holder);
        dispatch_list(Types{}, r.in(0).dtype(), [&]<class T>() {
            map_binary<T, T, T>(r.in(0), b, r.out(0), [f](T x, T y) { return narrow<T>(f(widen(x), widen(y))); });
        });
    });
}

/// Kernel for bool out = f(a, b) with a, b of one type T in `Types`.
template <class Types, class F>
std::unique_ptr<Kernel> make_compare_kernel(const KernelInit& init, F f) {
    return make_kernel([f, b_shape = binary_b_shape(init)](const KernelRun& r) {
        Tensor holder;
        const Tensor& b = binary_b(r, b_shape, holder);
        dispatch_list(Types{}, r.in(0).dtype(), [&]<class T>() {
            map_binary<T, T, bool>(r.in(0), b, r.out(0),
                                   [f](T x, T y) { return static_cast<bool>(f(widen(x), widen(y))); });
        });
    });
}

// ---------------------------------------------------------------------------------------------
// Cast, CastLike

/// True when Cast supports converting between these types (every known non-string type).
bool castable(DType dtype);
/// out = in converted elementwise to out's dtype (same shapes): float -> int truncates toward zero and saturates
/// (NaN -> 0), anything -> bool is x != 0, 16-bit floats round to nearest even.
void cast_tensor(const Tensor& in, Tensor& out);
/// Cast's and CastLike's check that `from` -> `to` is supported (strings included), naming the pair if not.
void check_castable(const NodeContext& ctx, DType from, DType to);
/// Cast's and CastLike's kernel: out = in converted to out's dtype, strings included.
std::unique_ptr<Kernel> make_cast_kernel();

// ---------------------------------------------------------------------------------------------
// Variadic ops (Max, Min, Sum, Mean)

/// All inputs present, of one dtype; output = their broadcast shape.
void infer_variadic(InferContext& ctx);
template <class Types>
void infer_variadic_of(InferContext& ctx) {
    infer_variadic(ctx);
    check_dtype_in<Types>(ctx, 0);
}

/// out = f(...f(f(x0, x1), x2)..., xn) with broadcasting, for T in `Types`; f works on compute_t<T>.
template <class... Ts, class F>
void run_variadic(TypeList<Ts...>, const KernelRun& r, F f) {
    dispatch<Ts...>(r.in(0).dtype(), [&]<class T>() {
        auto g = [f](T x, T y) { return narrow<T>(f(widen(x), widen(y))); };
        Tensor& out = r.out(0);
        if (r.num_inputs() == 1) {  // a copy: f(x, x) is x for max/min, but not for sum, so pick the first
            map_binary<T, T, T>(r.in(0), r.in(0), out, [](T x, T) { return x; });
            return;
        }
        map_binary<T, T, T>(r.in(0), r.in(1), out, g);
        for (std::size_t i = 2; i < r.num_inputs(); ++i)
            map_binary<T, T, T>(out, r.in(i), out, g);  // elementwise in place: each output read once first
    });
}

}  // namespace konnx::ops
