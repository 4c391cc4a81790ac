// SPDX-License-Identifier: MIT
// EyeLike (ONNX opset 9): a 2-D tensor shaped like the input with ones on the diagonal shifted by k
// (out[i][i+k] = 1) and zeros elsewhere; `dtype` defaults to the input's type.
#include "core/half.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

DType out_type(const NodeContext& ctx) {
    const auto dtype = static_cast<DType>(ctx.attr_int("dtype", static_cast<int64_t>(ctx.input_dtype(0))));
    if (!dtype_is_known(dtype) || dtype_size(dtype) == 0) ctx.unsupported("dtype ", static_cast<int>(dtype));
    return dtype;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.input_rank(0) == 2, "input must be 2-D, got ", shape_str(ctx.input_shape(0)));
    ctx.set_output(0, out_type(ctx), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([k = init.attr_int("k", 0)](const KernelRun& r) {
        Tensor& y = r.out(0);
        if (y.nbytes()) std::memset(y.raw(), 0, y.nbytes());
        const int64_t rows = y.shape()[0], cols = y.shape()[1];
        auto set_ones = [&]<class T>(T one) {
            for (int64_t i = std::max<int64_t>(0, -k); i < rows && i + k < cols; ++i)
                y.data<T>()[i * cols + i + k] = one;
        };
        switch (y.dtype()) {
            case DType::kBool: set_ones(true); break;
            case DType::kFloat16: set_ones(to_float16(1.0f)); break;
            case DType::kBFloat16: set_ones(to_bfloat16(1.0f)); break;
            default: dispatch_list(NumericTypes{}, y.dtype(), [&]<class T>() { set_ones(T(1)); });
        }
    });
}

}  // namespace

void register_eye_like(OpRegistry& registry) {
    registry.add({.name = "EyeLike", .since_version = 9, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
