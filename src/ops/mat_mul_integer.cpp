// SPDX-License-Identifier: MIT
// MatMulInteger (ONNX opset 10): int32 numpy matmul of uint8/int8 A and B with zero points subtracted:
//   Y = (A - a_zero_point) @ (B - b_zero_point)
// a_zero_point is a scalar or per row of A ([M]); b_zero_point a scalar or per column of B ([N]).
#include "ops/support/matmul.hpp"
#include "ops/support/quant.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0) && ctx.has_input(1), "expects inputs A and B");
    ctx.check(is_quantized_type(ctx.input_dtype(0)) && is_quantized_type(ctx.input_dtype(1)),
              "A and B must be uint8 or int8");
    const MatMulShape s = matmul_shape(ctx, 0, 1);
    check_per_axis(ctx, 2, s.m, "a_zero_point");
    check_per_axis(ctx, 3, s.n, "b_zero_point");
    ctx.set_output(0, DType::kInt32, s.out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const MatMulShape s = matmul_shape(init, 0, 1);
    return make_kernel([s](const KernelRun& r) {
        const int64_t ra = r.in(0).shape().size(), rb = r.in(1).shape().size();
        const std::vector<int32_t> a = centered_int32(r.in(0), r.has_in(2) ? &r.in(2) : nullptr, ra >= 2 ? ra - 2 : 0);
        const std::vector<int32_t> b = centered_int32(r.in(1), r.has_in(3) ? &r.in(3) : nullptr, rb - 1);
        matmul_reference<int32_t>(s, a.data(), b.data(), r.out(0).data<int32_t>());
    });
}

}  // namespace

void register_mat_mul_integer(OpRegistry& registry) {
    registry.add({.name = "MatMulInteger",
                  .since_version = 10,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = [](const KernelInit& init) { return matmul_cost(init); }});
}

}  // namespace konnx::ops
