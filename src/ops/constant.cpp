// SPDX-License-Identifier: MIT
// Constant (ONNX opsets 1, 9, 11, 12, 13): the value comes from exactly one attribute.
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

Tensor constant_value(const NodeContext& ctx) {
    if (const Tensor* t = ctx.attr_tensor("value")) return *t;
    if (ctx.has_attr("value_float")) return Tensor::scalar<float>(ctx.attr_float("value_float", 0));
    if (ctx.has_attr("value_int")) return Tensor::scalar<int64_t>(ctx.attr_int("value_int", 0));
    if (ctx.has_attr("value_floats")) {
        auto v = ctx.attr_floats("value_floats");
        return Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v);
    }
    if (ctx.has_attr("value_ints")) {
        auto v = ctx.attr_ints("value_ints");
        return Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v);
    }
    if (ctx.has_attr("sparse_value") || ctx.has_attr("value_string") || ctx.has_attr("value_strings"))
        ctx.unsupported("sparse and string constants are not supported");
    ctx.fail("has no value attribute");
}

void infer(InferContext& ctx) { ctx.set_output_value(0, constant_value(ctx)); }

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([value = constant_value(init)](const KernelRun& r) {
        std::copy_n(static_cast<const std::byte*>(value.raw()), value.nbytes(),
                    static_cast<std::byte*>(r.out(0).raw()));
    });
}

}  // namespace

void register_constant(OpRegistry& registry) {
    registry.add({.name = "Constant", .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
