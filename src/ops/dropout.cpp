// SPDX-License-Identifier: MIT
// Dropout (ONNX opsets 7, 10, 12, 13): inference only. Output 0 is the input; the optional mask output
// is all true (bool; opsets 7-9 typed it like the input, also all ones). From opset 12 `ratio` and
// `training_mode` are inputs: training_mode=true is unsupported unless the ratio is 0. `seed` is ignored.
#include "core/half.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

DType mask_type(const NodeContext& ctx) { return ctx.opset() < 10 ? ctx.input_dtype(0) : DType::kBool; }

void infer(InferContext& ctx) {
    if (ctx.opset() >= 12 && ctx.has_input(2)) {
        const Tensor& training = ctx.require_value(2);
        ctx.check(training.numel() == 1 && training.dtype() == DType::kBool, "training_mode must be a bool scalar");
        if (*training.data<bool>()) {
            double ratio = 0.5;
            if (ctx.has_input(1)) {
                const Tensor& t = ctx.require_value(1);
                ctx.check(t.numel() == 1, "ratio must be a scalar");
                if (t.dtype() == DType::kFloat32)
                    ratio = *t.data<float>();
                else if (t.dtype() == DType::kFloat64)
                    ratio = *t.data<double>();
                else if (t.dtype() == DType::kFloat16)
                    ratio = to_float(*t.data<Float16>());
            }
            if (ratio != 0.0) ctx.unsupported("training mode (random dropout) is not supported");
        }
    }
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
    if (ctx.has_output(1)) ctx.set_output(1, mask_type(ctx), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        copy_bytes(r.in(0), r.out(0));
        if (!r.has_out(1)) return;
        Tensor& mask = r.out(1);
        const int64_t n = mask.numel();
        switch (mask.dtype()) {
            case DType::kBool: std::fill_n(mask.data<bool>(), n, true); break;
            case DType::kFloat16: std::fill_n(mask.data<Float16>(), n, to_float16(1.0f)); break;
            default:
                dispatch_list(NumericTypes{}, mask.dtype(), [&]<class T>() { std::fill_n(mask.data<T>(), n, T(1)); });
        }
    });
}

}  // namespace

void register_dropout(OpRegistry& registry) {
    registry.add({.name = "Dropout", .since_version = 7, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
