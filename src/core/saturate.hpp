// SPDX-License-Identifier: MIT
// Floating-point to integer conversion that is always defined: C++ leaves static_cast<int>(1e30f) and
// static_cast<int>(NaN) undefined, and model files can carry any float.
#pragma once

#include <limits>
#include <type_traits>

namespace konnx {

/// x converted to the integer type To, clamped to To's range; NaN gives 0.
template <class To, class From>
requires std::is_integral_v<To> && std::is_floating_point_v<From> To saturate_cast(From x) {
    if (x != x) return To(0);
    if (x <= static_cast<From>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
    if (x >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(x);
}

}  // namespace konnx
