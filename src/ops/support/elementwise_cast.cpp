// SPDX-License-Identifier: MIT
// The conversion kernel shared by Cast and CastLike: one loop per (from, to) pair of element types.
#include "core/saturate.hpp"
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

template <class To, class From>
To convert(From x) {
    if constexpr (std::is_same_v<To, From>) {
        return x;
    } else if constexpr (is_half_v<From>) {
        return convert<To>(to_float(x));
    } else if constexpr (std::is_same_v<To, Float16>) {
        return to_float16(static_cast<float>(x));
    } else if constexpr (std::is_same_v<To, BFloat16>) {
        return to_bfloat16(static_cast<float>(x));
    } else if constexpr (std::is_same_v<To, bool>) {
        return x != From(0);
    } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
        return saturate_cast<To>(x);
    } else {
        return static_cast<To>(x);
    }
}

}  // namespace

bool castable(DType dtype) { return dtype_in(AllTypes{}, dtype); }

void cast_tensor(const Tensor& in, Tensor& out) {
    dispatch_list(AllTypes{}, in.dtype(), [&]<class From>() {
        dispatch_list(AllTypes{}, out.dtype(),
                      [&]<class To>() { map_unary<From, To>(in, out, [](From x) { return convert<To>(x); }); });
    });
}

}  // namespace konnx::ops
