// SPDX-License-Identifier: MIT
// float16 / bfloat16 <-> float32 conversions (round to nearest even).
#pragma once

#include <cstdint>
#include <cstring>

#include "konnx/dtype.hpp"

namespace konnx {

inline float to_float(Float16 h) {
    const uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16;
    uint32_t exp = (h.bits >> 10) & 0x1fu;
    uint32_t mant = h.bits & 0x3ffu;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);  // inf / nan
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant == 0) {
        bits = sign;
    } else {  // subnormal: normalize
        exp = 113;
        while ((mant & 0x400u) == 0) {
            mant <<= 1;
            --exp;
        }
        bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

inline Float16 to_float16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t abs = x & 0x7fffffffu;
    if (abs >= 0x7f800000u) return {static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0))};
    if (abs >= 0x477ff000u) return {static_cast<uint16_t>(sign | 0x7c00u)};  // overflow -> inf
    if (abs < 0x38800000u) {                                                 // subnormal or zero in half
        if (abs < 0x33000000u) return {sign};
        const uint32_t e = abs >> 23;
        uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
        const uint32_t shift = 126 - e;
        uint32_t half = mant >> (shift + 1);
        const uint32_t rem = mant & ((1u << (shift + 1)) - 1);
        const uint32_t mid = 1u << shift;
        if (rem > mid || (rem == mid && (half & 1u))) ++half;
        return {static_cast<uint16_t>(sign | half)};
    }
    uint32_t h = ((abs >> 13) - (112u << 10));
    const uint32_t rem = abs & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
    return {static_cast<uint16_t>(sign | h)};
}

inline float to_float(BFloat16 b) {
    const uint32_t bits = static_cast<uint32_t>(b.bits) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

inline BFloat16 to_bfloat16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u) return {static_cast<uint16_t>((x >> 16) | 0x40u)};  // quiet nan
    const uint32_t rounding = 0x7fffu + ((x >> 16) & 1u);
    return {static_cast<uint16_t>((x + rounding) >> 16)};
}

}  // namespace konnx
