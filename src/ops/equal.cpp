// SPDX-License-Identifier: MIT
// Equal (ONNX opsets 1, 7, 11, 13, 19): numpy-broadcast a == b as bool (opset 1: legacy `broadcast`/`axis`).
// Types: bool, all numeric types, float16, bfloat16; strings from opset 19.
#include "konnx/string_tensor.hpp"
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    if (ctx.opset() >= 19 && ctx.input_dtype(0) == DType::kString) {
        check_same_dtype(ctx, 1);
        infer_broadcast(ctx, DType::kBool);
        return;
    }
    infer_compare<NumericHalfBoolTypes>(ctx);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    if (init.input_dtype(0) == DType::kString)
        return make_kernel([](const KernelRun& r) {
            const auto a = string_values(r.in(0)), b = string_values(r.in(1));
            bool* y = r.out(0).data<bool>();
            for_each_broadcast<2>(r.out(0).shape(), {&r.in(0).shape(), &r.in(1).shape()},
                                  [&](const auto& at, int64_t o) {
                                      y[o] = a[static_cast<std::size_t>(at[0])] == b[static_cast<std::size_t>(at[1])];
                                  });
        });
    return make_compare_kernel<NumericHalfBoolTypes>(init, [](auto a, auto b) { return a == b; });
}

}  // namespace

void register_equal(OpRegistry& registry) {
    registry.add({.name = "Equal",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost,
                  .strings = true});
}

}  // namespace konnx::ops
