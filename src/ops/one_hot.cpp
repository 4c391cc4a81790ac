// SPDX-License-Identifier: MIT
// OneHot (ONNX opsets 9, 11): out has indices' shape with a new axis of size `depth` inserted at `axis`
// (default -1 = last); out = values[1] where the index matches, values[0] elsewhere. Negative indices
// count from depth (opset 11); indices out of [-depth, depth) give an all-off row. Any numeric index/depth type.
#include <cmath>
#include <limits>

#include "core/half.hpp"
#include "core/saturate.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

double scalar_value(const Tensor& t) {
    double v = 0;
    if (t.dtype() == DType::kFloat16) return to_float(*t.data<Float16>());
    dispatch_list(NumericTypes{}, t.dtype(), [&]<class T>() { v = static_cast<double>(*t.data<T>()); });
    return v;
}

int64_t depth_of(const NodeContext& ctx) {
    const Tensor& d = ctx.require_value(1);
    ctx.check(d.numel() == 1, "depth must have one element");
    const double v = scalar_value(d);
    ctx.check(v >= 1 && v < static_cast<double>(kMaxElements), "invalid depth ", v);
    return static_cast<int64_t>(v);
}

// A float index as an integer; NaN, inf and 1e30 (undefined to convert directly) land outside any depth.
int64_t float_index(double v) {
    return std::isnan(v) ? std::numeric_limits<int64_t>::min() : saturate_cast<int64_t>(v);
}

void infer(InferContext& ctx) {
    ctx.check(ctx.input_shape(2) == Shape{2}, "values must have 2 elements");
    check_movable(ctx, ctx.input_dtype(2));
    Shape out = ctx.input_shape(0);
    const auto rank = static_cast<int64_t>(out.size()) + 1;
    int64_t axis = ctx.attr_int("axis", -1);
    ctx.check(axis >= -rank && axis < rank, "axis ", axis, " is out of range");
    if (axis < 0) axis += rank;
    out.insert(out.begin() + axis, depth_of(ctx));
    checked_numel(out);
    ctx.set_output(0, ctx.input_dtype(2), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto rank = static_cast<int64_t>(init.input_rank(0)) + 1;
    int64_t axis = init.attr_int("axis", -1);
    if (axis < 0) axis += rank;
    return make_kernel([axis = static_cast<std::size_t>(axis)](const KernelRun& r) {
        const Tensor& indices = r.in(0);
        const Shape& out = r.out(0).shape();
        const int64_t depth = out[axis];
        const int64_t outer = product(out, 0, axis), inner = product(out, axis + 1, out.size());
        std::vector<int64_t> idx(static_cast<std::size_t>(indices.numel()));
        if (indices.dtype() == DType::kFloat16) {
            for (std::size_t i = 0; i < idx.size(); ++i)
                idx[i] = float_index(to_float(indices.data<Float16>()[i]));
        } else {
            dispatch_list(NumericTypes{}, indices.dtype(), [&]<class T>() {
                for (std::size_t i = 0; i < idx.size(); ++i)
                    if constexpr (std::is_floating_point_v<T>)
                        idx[i] = float_index(indices.data<T>()[i]);
                    else
                        idx[i] = static_cast<int64_t>(indices.data<T>()[i]);
            });
        }
        dispatch_by_size(dtype_size(r.out(0).dtype()), [&]<class T>() {
            const T off = r.in(2).data<T>()[0], on = r.in(2).data<T>()[1];
            T* dst = r.out(0).data<T>();
            std::fill_n(dst, r.out(0).numel(), off);
            for (int64_t o = 0; o < outer; ++o)
                for (int64_t i = 0; i < inner; ++i) {
                    int64_t v = idx[static_cast<std::size_t>(o * inner + i)];
                    if (v < 0) v += depth;
                    if (v >= 0 && v < depth) dst[(o * depth + v) * inner + i] = on;
                }
        });
    });
}

}  // namespace

void register_one_hot(OpRegistry& registry) {
    registry.add({.name = "OneHot", .since_version = 9, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
