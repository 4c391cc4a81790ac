// SPDX-License-Identifier: MIT
// MatMul (ONNX opsets 1, 9, 13): numpy matmul. 1-D A is [1, K] with that dim dropped from the result,
// 1-D B is [K, 1] likewise; batch dims (all but the last two) broadcast numpy-style.
// float32 runs on oneDNN matmul at optimization level 2 (a constant B is reordered once at plan time),
// or on kernels::PackedDense when B is a constant matrix and A has at most 4 rows in all (batch 1);
// other types and level 0 use the reference loop.
#include "core/dispatch.hpp"
#include "kernels/dense.hpp"
#include "kernels/onednn/matmul.hpp"
#include "ops/support/matmul.hpp"

namespace konnx::ops {
namespace {

MatMulShape checked_shape(const NodeContext& ctx) {
    ctx.check(ctx.input_dtype(0) == ctx.input_dtype(1), "A and B have different types");
    return matmul_shape(ctx);
}

void infer(InferContext& ctx) { ctx.set_output(0, ctx.input_dtype(0), checked_shape(ctx).out); }

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const MatMulShape s = checked_shape(init);
    // A constant 2-D B and at most 4 rows in all of A (a Dense layer at batch 1): kernels::PackedDense.
    const Tensor* b = init.input_value(1);
    const int64_t rows = s.k > 0 ? product(s.a) / s.k : 0;
    if (init.optimized() && init.input_dtype(0) == DType::kFloat32 && b && b->rank() == 2 && rows >= 1 &&
        rows <= kernels::PackedDense::kMaxRows && s.k > 0 && s.n > 0) {
        return make_kernel(
            [dense = std::make_shared<kernels::PackedDense>(b->data<float>(), s.k, s.n, false),
             rows](const KernelRun& r) { dense->run(r.in(0).data<float>(), rows, r.out(0).data<float>()); });
    }
    if (init.optimized() && init.input_dtype(0) == DType::kFloat32 && s.y.size() <= 12 && s.m > 0 && s.k > 0 &&
        s.n > 0) {
        try {
            struct OneDnnMatMul final : Kernel {
                kernels::onednn::MatMul mm;
                OneDnnMatMul(const kernels::onednn::MatMulParams& p, const float* b) : mm(p, b, nullptr) {}
                void run(const KernelRun& r) const override {
                    mm.run(r.in(0).data<float>(), r.in(1).data<float>(), nullptr, r.out(0).data<float>(), r.scratch);
                }
                std::size_t scratch_bytes() const override { return mm.scratch_bytes(); }
            };
            kernels::onednn::MatMulParams p;
            p.a = s.a;
            p.b = s.b;
            p.y = s.y;
            const Tensor* b = init.input_value(1);
            return std::make_unique<OneDnnMatMul>(p, b ? b->data<float>() : nullptr);
        } catch (const dnnl::error&) {
            // fall back to the reference kernel
        }
    }
    return make_kernel([s](const KernelRun& r) {
        dispatch<float, double, int32_t, int64_t, uint32_t, uint64_t>(r.in(0).dtype(), [&]<class T>() {
            matmul_reference<T>(s, r.in(0).data<T>(), r.in(1).data<T>(), r.out(0).data<T>());
        });
    });
}

}  // namespace

void register_mat_mul(OpRegistry& registry) {
    registry.add({.name = "MatMul",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = [](const KernelInit& init) { return matmul_cost(init); },
                  .packed_float_inputs = 1u << 1});
}

}  // namespace konnx::ops
