// SPDX-License-Identifier: MIT
// Pow (ONNX opsets 1, 7, 12, 13, 15): numpy-broadcast z = x ^ y, with z of x's type. Since opset 12 the exponent
// may have another type than the base (e.g. float base, int64 exponent). Integer ^ integer is exact (repeated
// squaring, wrapping like numpy; negative exponents give 0 except for bases 1 and -1); any mix with a float is
// computed in double and converted back, except float ^ float, computed in float. A constant scalar exponent of
// 2 or 0.5 takes a multiply / sqrt fast path. Opset 1 broadcasts B to A only with broadcast=1.
// Types: base float, double, float16, bfloat16, int32, int64; exponent any numeric type, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

using BaseTypes = TypeList<float, double, Float16, BFloat16, int32_t, int64_t>;

void infer(InferContext& ctx) {
    binary_b_shape(ctx);  // checks the input count
    check_dtype_in<BaseTypes>(ctx, 0);
    check_dtype_in<NumericHalfTypes>(ctx, 1);
    if (ctx.opset() < 12) check_same_dtype(ctx, 1);
    infer_binary(ctx);
}

template <class B, class E>
B int_pow(B base, E exp) {
    if constexpr (std::is_signed_v<E>) {
        if (exp < 0) return base == B(1) ? B(1) : base == B(-1) ? ((exp & 1) ? B(-1) : B(1)) : B(0);
    }
    B result = 1;
    for (auto e = static_cast<std::make_unsigned_t<E>>(exp); e; e >>= 1) {
        if (e & 1u) result = wrap_mul(result, base);
        base = wrap_mul(base, base);
    }
    return result;
}

// Converts a double to an integer type without undefined behavior (NaN -> 0, saturating).
template <class T>
T double_to(double v) {
    if constexpr (std::is_integral_v<T>) {
        if (!(v == v)) return T(0);
        if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
        if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    }
    return narrow<T>(v);
}

template <class TB, class TE>
void run_pow(const Tensor& x, const Tensor& y, Tensor& z) {
    using CB = compute_t<TB>;
    using CE = compute_t<TE>;
    if constexpr (std::is_integral_v<CB> && std::is_integral_v<CE>) {
        map_binary<TB, TE, TB>(x, y, z, [](TB a, TE b) { return int_pow(a, b); });
    } else if constexpr (std::is_same_v<CB, float> && std::is_same_v<CE, float>) {
        if (y.numel() == 1 && x.shape() == z.shape()) {
            const float e = widen(y.data<TE>()[0]);
            if (e == 2.0f) return map_unary<TB, TB>(x, z, [](TB a) { return narrow<TB>(widen(a) * widen(a)); });
            if (e == 0.5f) return map_unary<TB, TB>(x, z, [](TB a) { return narrow<TB>(std::sqrt(widen(a))); });
        }
        map_binary<TB, TE, TB>(x, y, z, [](TB a, TE b) { return narrow<TB>(std::pow(widen(a), widen(b))); });
    } else {
        map_binary<TB, TE, TB>(x, y, z, [](TB a, TE b) {
            return double_to<TB>(std::pow(static_cast<double>(widen(a)), static_cast<double>(widen(b))));
        });
    }
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([b_shape = binary_b_shape(init)](const KernelRun& r) {
        Tensor holder;
        const Tensor& y = binary_b(r, b_shape, holder);
        dispatch_list(BaseTypes{}, r.in(0).dtype(), [&]<class TB>() {
            dispatch_list(NumericHalfTypes{}, y.dtype(), [&]<class TE>() { run_pow<TB, TE>(r.in(0), y, r.out(0)); });
        });
    });
}

}  // namespace

void register_pow(OpRegistry& registry) {
    registry.add({.name = "Pow", .since_version = 1, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
