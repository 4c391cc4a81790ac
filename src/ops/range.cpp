// SPDX-License-Identifier: MIT
// Range (ONNX opset 11): [start, start + delta, ...) up to `limit`, from three scalars of one type
// (float, double, int16, int32, int64); max(ceil((limit - start) / delta), 0) elements. The length
// depends on the values, so the inputs must be known (constants, or dynamic mode).
#include <cmath>

#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

using RangeTypes = TypeList<float, double, int16_t, int32_t, int64_t>;

int64_t range_length(const NodeContext& ctx, const Tensor& start, const Tensor& limit, const Tensor& delta) {
    int64_t n = 0;
    dispatch_list(RangeTypes{}, start.dtype(), [&]<class T>() {
        const double s = static_cast<double>(*start.data<T>()), l = static_cast<double>(*limit.data<T>()),
                     d = static_cast<double>(*delta.data<T>());
        ctx.check(d != 0, "delta must not be 0");
        const double count = std::ceil((l - s) / d);
        ctx.check(std::isfinite(count) && count < static_cast<double>(kMaxElements), "range is too long");
        n = count > 0 ? static_cast<int64_t>(count) : 0;  // a huge negative count is an empty range
    });
    return n;
}

void infer(InferContext& ctx) {
    const DType dtype = ctx.input_dtype(0);
    for (std::size_t i = 0; i < 3; ++i) {
        ctx.check(ctx.input_dtype(i) == dtype, "inputs must have the same type");
        ctx.check(checked_numel(ctx.input_shape(i)) == 1, "inputs must be scalars");
    }
    const int64_t n = range_length(ctx, ctx.require_value(0), ctx.require_value(1), ctx.require_value(2));
    ctx.set_output(0, dtype, {n});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        dispatch_list(RangeTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T start = *r.in(0).data<T>(), delta = *r.in(2).data<T>();
            T* out = r.out(0).data<T>();
            for (int64_t i = 0; i < r.out(0).numel(); ++i)
                out[i] = static_cast<T>(start + static_cast<T>(i) * delta);
        });
    });
}

}  // namespace

void register_range(OpRegistry& registry) {
    registry.add({.name = "Range", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
