// SPDX-License-Identifier: MIT
// Small helpers shared by the normalization ops (BatchNormalization, InstanceNormalization,
// LayerNormalization, MeanVarianceNormalization).
#pragma once

#include <vector>

#include "core/dispatch.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

/// A float or double parameter tensor's values as doubles.
inline std::vector<double> as_doubles(const Tensor& t) {
    std::vector<double> out(static_cast<std::size_t>(t.numel()));
    dispatch<float, double>(t.dtype(), [&]<class T>() {
        const T* p = t.data<T>();
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = static_cast<double>(p[i]);
    });
    return out;
}

/// Checks that input i is float32/float64 and, when `shape` is given, has that shape.
inline void check_param(const NodeContext& ctx, std::size_t i, const char* name, const Shape& shape) {
    const DType t = ctx.input_dtype(i);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, name, " must be float or double, got ", dtype_name(t));
    ctx.check(ctx.input_shape(i) == shape, name, " must have shape ", shape_str(shape), ", got ",
              shape_str(ctx.input_shape(i)));
}

}  // namespace konnx::ops
