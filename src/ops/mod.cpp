// SPDX-License-Identifier: MIT
// Mod (ONNX opsets 10, 13): numpy-broadcast remainder. fmod=0 (default): the result takes the sign of the divisor
// (numpy.mod / Python %); fmod=1: the sign of the dividend (C fmod / %). ONNX requires fmod=1 for floats; konnx
// also computes the numpy.mod form for floats with fmod=0. Integer x mod 0 gives 0 instead of trapping.
// Types: all numeric types, float16, bfloat16.
#include <cmath>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const int64_t fmod = ctx.attr_int("fmod", 0);
    ctx.check(fmod == 0 || fmod == 1, "fmod must be 0 or 1, got ", fmod);
    infer_binary_same<NumericHalfTypes>(ctx);
}

// C-style remainder: sign of the dividend.
template <class V>
V trunc_mod(V a, V b) {
    if constexpr (std::is_floating_point_v<V>) {
        return std::fmod(a, b);
    } else {
        if (b == V(0)) return V(0);
        if constexpr (std::is_signed_v<V>)
            if (b == V(-1)) return V(0);  // INT_MIN % -1 traps on x86
        return static_cast<V>(a % b);
    }
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    if (init.attr_int("fmod", 0) == 1)
        return make_binary_kernel<NumericHalfTypes>(init, [](auto a, auto b) { return trunc_mod(a, b); });
    return make_binary_kernel<NumericHalfTypes>(init, [](auto a, auto b) {
        using V = decltype(a);
        V r = trunc_mod(a, b);
        if constexpr (std::is_signed_v<V> || std::is_floating_point_v<V>)
            if (r != V(0) && ((r < V(0)) != (b < V(0)))) r = static_cast<V>(r + b);
        return r;
    });
}

}  // namespace

void register_mod(OpRegistry& registry) {
    registry.add({.name = "Mod", .since_version = 10, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
