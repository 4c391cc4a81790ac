// SPDX-License-Identifier: MIT
// Where (ONNX opsets 9, 16): z = condition ? x : y with numpy broadcasting of all three inputs.
// Types: x and y of any one non-string type (copied by element size); condition bool.
#include <cstring>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 3 && ctx.has_input(0) && ctx.has_input(1) && ctx.has_input(2), "expects 3 inputs");
    ctx.check(ctx.input_dtype(0) == DType::kBool, "condition must be bool, got ", dtype_name(ctx.input_dtype(0)));
    ctx.check(ctx.input_dtype(1) == ctx.input_dtype(2),
              "X and Y have different types: ", dtype_name(ctx.input_dtype(1)), " and ",
              dtype_name(ctx.input_dtype(2)));
    if (!dtype_is_known(ctx.input_dtype(1)))
        ctx.unsupported("input type ", dtype_name(ctx.input_dtype(1)), " is not supported");
    infer_broadcast(ctx, ctx.input_dtype(1));
}

template <class T>
void run_where(const Tensor& c, const Tensor& x, const Tensor& y, Tensor& z) {
    // The condition is read as bytes and turned into a bit mask, so the loop vectorizes.
    const auto* pc = reinterpret_cast<const uint8_t*>(c.data<bool>());
    const T* px = x.data<T>();
    const T* py = y.data<T>();
    T* pz = z.data<T>();
    if (c.shape() == z.shape() && x.shape() == z.shape() && y.shape() == z.shape()) {
        parallel_for(z.numel(), 1 << 14, [&](int64_t s, int64_t e) {
#pragma omp simd
            for (int64_t i = s; i < e; ++i) {
                const T m = T(0) - static_cast<T>(pc[i] != 0);
                pz[i] = static_cast<T>((px[i] & m) | (py[i] & static_cast<T>(~m)));
            }
        });
        return;
    }
    for_each_broadcast<3>(
        z.shape(), {&c.shape(), &x.shape(), &y.shape()},
        [&](const std::array<int64_t, 3>& at, int64_t o) { pz[o] = pc[at[0]] ? px[at[1]] : py[at[2]]; });
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        const Tensor &c = r.in(0), &x = r.in(1), &y = r.in(2);
        switch (dtype_size(x.dtype())) {
            case 1: return run_where<uint8_t>(c, x, y, r.out(0));
            case 2: return run_where<uint16_t>(c, x, y, r.out(0));
            case 4: return run_where<uint32_t>(c, x, y, r.out(0));
            case 8: return run_where<uint64_t>(c, x, y, r.out(0));
            default: fail(ErrorCode::kUnsupported, "Where: element type ", dtype_name(x.dtype()), " is not supported");
        }
    });
}

}  // namespace

void register_where(OpRegistry& registry) {
    registry.add({.name = "Where", .since_version = 9, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
