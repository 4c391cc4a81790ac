// SPDX-License-Identifier: MIT
// Cast/CastLike between string tensors (konnx/string_tensor.hpp) and float, double or integer tensors.
// Numbers are written in the shortest form that reads back to the same value (as numpy's str() does:
// 0.9767611, 1e-05, nan, inf) and read with std::from_chars, which also takes "INF", "-inf" and "NaN".
#pragma once

#include <charconv>
#include <string>

#include "core/dispatch.hpp"
#include "konnx/string_tensor.hpp"

namespace konnx::ops {

using StringCastTypes =
    TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;

inline bool string_castable(DType dtype) {
    switch (dtype) {
        case DType::kString:
        case DType::kFloat32:
        case DType::kFloat64:
        case DType::kInt8:
        case DType::kInt16:
        case DType::kInt32:
        case DType::kInt64:
        case DType::kUInt8:
        case DType::kUInt16:
        case DType::kUInt32:
        case DType::kUInt64: return true;
        default: return false;
    }
}

/// True when the cast involves strings: both sides must then be string_castable().
inline bool is_string_cast(DType from, DType to) { return from == DType::kString || to == DType::kString; }

/// out = in converted to out's dtype, one side being a string tensor (same shapes).
inline void cast_string_tensor(const Tensor& in, Tensor& out) {
    const auto n = static_cast<std::size_t>(in.numel());
    if (in.dtype() == DType::kString && out.dtype() == DType::kString) {
        out = in;
        return;
    }
    if (out.dtype() == DType::kString) {
        auto values = mutable_string_values(out);
        dispatch_list(StringCastTypes{}, in.dtype(), [&]<class T>() {
            char buf[64];
            for (std::size_t i = 0; i < n; ++i) {
                const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, in.data<T>()[i]);
                values[i].assign(buf, ec == std::errc() ? end : buf);
            }
        });
        return;
    }
    const auto values = string_values(in);
    dispatch_list(StringCastTypes{}, out.dtype(), [&]<class T>() {
        for (std::size_t i = 0; i < n; ++i) {
            const std::string& s = values[i];
            T value{};
            const char* begin = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
            const auto [end, ec] = std::from_chars(begin, s.data() + s.size(), value);
            if (ec != std::errc() || end != s.data() + s.size())
                fail(ErrorCode::kInvalidArgument, "cannot read '", s, "' as ", dtype_name(out.dtype()));
            out.data<T>()[i] = value;
        }
    });
}

}  // namespace konnx::ops
