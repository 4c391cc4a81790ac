// SPDX-License-Identifier: MIT
// StringConcat (ONNX opset 20): numpy-broadcast concatenation X[i] + Y[i] of two string tensors.
#include "konnx/string_tensor.hpp"
#include "ops/support/elementwise.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 2, "expects 2 inputs (X, Y)");
    for (std::size_t i : {0, 1})
        ctx.check(ctx.input_dtype(i) == DType::kString, "input ", i, " must be a string tensor, got ",
                  dtype_name(ctx.input_dtype(i)));
    infer_broadcast(ctx, DType::kString);
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        const auto x = string_values(r.in(0)), y = string_values(r.in(1));
        const Shape& shape = r.out(0).shape();
        std::vector<std::string> out(static_cast<std::size_t>(product(shape)));
        for_each_broadcast<2>(shape, {&r.in(0).shape(), &r.in(1).shape()}, [&](const auto& at, int64_t o) {
            out[static_cast<std::size_t>(o)] = x[static_cast<std::size_t>(at[0])] + y[static_cast<std::size_t>(at[1])];
        });
        r.out(0) = make_string_tensor(shape, std::move(out));
    });
}

}  // namespace

void register_string_concat(OpRegistry& registry) {
    registry.add({.name = "StringConcat", .since_version = 20, .infer = infer, .make_kernel = make, .strings = true});
}

}  // namespace konnx::ops
