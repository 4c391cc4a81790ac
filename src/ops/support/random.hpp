// SPDX-License-Identifier: MIT
// Shared by RandomUniform(Like), RandomNormal(Like) and Bernoulli: the output dtype attribute, a random
// engine per run (seeded from the `seed` attribute when present, so runs repeat exactly; otherwise from a
// per-thread engine seeded by std::random_device) and storing double draws into any supported dtype.
// These ops are registered foldable=false: they must not become constants at plan time.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>

#include "core/dispatch.hpp"
#include "core/half.hpp"
#include "core/shape.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

/// The `dtype` attribute, or `fallback` when absent; must be a floating type unless `any` is set.
inline DType random_dtype(const NodeContext& ctx, DType fallback, bool any = false) {
    const DType t = ctx.has_attr("dtype") ? static_cast<DType>(ctx.attr_int("dtype", 0)) : fallback;
    const bool floating = t == DType::kFloat32 || t == DType::kFloat64 || t == DType::kFloat16;
    ctx.check(floating || (any && dtype_is_known(t)), "unsupported dtype ", dtype_name(t));
    return t;
}

/// Hands out one engine per run: the same sequence every run when the node has a `seed`.
class RandomSource {
public:
    explicit RandomSource(const NodeContext& ctx)
        : seeded_(ctx.has_attr("seed")), seed_(seed_bits(ctx.attr_float("seed", 0))) {}
    std::mt19937_64 engine() const {
        if (seeded_) return std::mt19937_64(seed_);
        thread_local std::mt19937_64 seeder{std::random_device{}()};
        return std::mt19937_64(seeder());
    }

private:
    // The seed is a float attribute; a whole value in int64 range seeds as that integer, anything else
    // (NaN, inf, 1e30: converting those to an integer is undefined) by its bit pattern.
    static uint64_t seed_bits(double seed) {
        if (std::isfinite(seed) && std::fabs(seed) < 9.2e18) return static_cast<uint64_t>(static_cast<int64_t>(seed));
        return std::bit_cast<uint64_t>(seed);
    }

    bool seeded_;
    uint64_t seed_;
};

/// y[i] = draw() for every element, converted to y's dtype.
template <class Draw>
void fill_random(Tensor& y, Draw draw) {
    dispatch<float, double, Float16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t, bool>(
        y.dtype(), [&]<class T>() {
            T* out = y.data<T>();
            for (int64_t i = 0; i < y.numel(); ++i) {
                const double v = draw();
                if constexpr (std::is_same_v<T, Float16>)
                    out[i] = to_float16(static_cast<float>(v));
                else
                    out[i] = static_cast<T>(v);
            }
        });
}

}  // namespace konnx::ops
