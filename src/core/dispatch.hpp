// SPDX-License-Identifier: MIT
// Runtime dtype -> C++ type dispatch:
//   dispatch<float, double, int64_t>(t.dtype(), [&]<class T>() { kernel<T>(...); });
#pragma once

#include <cstdint>

#include "core/error.hpp"
#include "konnx/dtype.hpp"

namespace konnx {

template <class... Ts, class F>
void dispatch(DType dtype, F&& fn) {
    const bool handled = ((dtype == dtype_of<Ts>() ? (fn.template operator()<Ts>(), true) : false) || ...);
    if (!handled) fail(ErrorCode::kUnsupported, "element type ", dtype_name(dtype), " is not supported here");
}

/// The usual groups, spelled as type lists for dispatch_list.
template <class... Ts>
struct TypeList {};
using FloatTypes = TypeList<float, double>;
using IntTypes = TypeList<int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using NumericTypes = TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using AllTypes = TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t, bool,
                          Float16, BFloat16>;

template <class... Ts, class F>
void dispatch_list(TypeList<Ts...>, DType dtype, F&& fn) {
    dispatch<Ts...>(dtype, static_cast<F&&>(fn));
}

}  // namespace konnx
