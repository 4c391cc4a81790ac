// SPDX-License-Identifier: MIT
// ConstantOfShape (ONNX opset 9): a tensor of the shape given by input 0 (int64, 1-D), filled with the
// one-element `value` attribute (default float32 0). An empty shape input gives a scalar.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

Tensor fill_value(const NodeContext& ctx) {
    const Tensor* v = ctx.attr_tensor("value");
    if (!v) return Tensor::scalar<float>(0.0f);
    ctx.check(v->numel() == 1, "value must have one element, got ", v->numel());
    check_movable(ctx, v->dtype());
    return *v;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.input_rank(0) == 1, "input must be 1-D");
    Shape shape = int_values(ctx.require_value(0));
    checked_numel(shape);
    ctx.set_output(0, fill_value(ctx).dtype(), std::move(shape));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([value = fill_value(init)](const KernelRun& r) {
        dispatch_by_size(dtype_size(value.dtype()), [&]<class T>() {
            T v;
            std::memcpy(&v, value.raw(), sizeof(T));
            std::fill_n(r.out(0).data<T>(), r.out(0).numel(), v);
        });
    });
}

}  // namespace

void register_constant_of_shape(OpRegistry& registry) {
    registry.add({.name = "ConstantOfShape", .since_version = 9, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
