// SPDX-License-Identifier: MIT
// Add (ONNX opsets 7, 13, 14): numpy-broadcast sum.
#include "core/dispatch.hpp"
#include "ops/support/elementwise.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.input_dtype(0) == ctx.input_dtype(1), "inputs have different types: ", dtype_name(ctx.input_dtype(0)),
              " and ", dtype_name(ctx.input_dtype(1)));
    infer_broadcast(ctx);
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        dispatch_list(NumericTypes{}, r.in(0).dtype(), [&]<class T>() {
            map_binary<T, T, T>(r.in(0), r.in(1), r.out(0), [](T a, T b) { return static_cast<T>(a + b); });
        });
    });
}

}  // namespace

void register_add(OpRegistry& registry) {
    registry.add({.name = "Add", .since_version = 7, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
