// SPDX-License-Identifier: MIT
// The conversion kernel shared by Cast and CastLike: one loop per (from, to) pair of element types.
#include "core/saturate.hpp"
#include "ops/support/elementwise_math.hpp"
#include "ops/support/string_cast.hpp"

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

void check_castable(const NodeContext& ctx, DType from, DType to) {
    const bool strings = is_string_cast(from, to);
    if (strings ? !string_castable(from) || !string_castable(to) : !castable(from) || !castable(to))
        ctx.unsupported("cast from ", dtype_name(from), " to ", dtype_name(to), " is not supported",
                        strings ? " (strings convert to and from float, double and integer types)" : "");
}

std::unique_ptr<Kernel> make_cast_kernel() {
    return make_kernel([](const KernelRun& r) {
        if (is_string_cast(r.in(0).dtype(), r.out(0).dtype()))
            cast_string_tensor(r.in(0), r.out(0));
        else
            cast_tensor(r.in(0), r.out(0));
    });
}

}  // namespace konnx::ops
