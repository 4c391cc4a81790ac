// SPDX-License-Identifier: MIT
// MatMul (ONNX opsets 1, 9, 13): numpy matmul. 1-D A is [1, K] with that dim dropped from the result,
// 1-D B is [K, 1] likewise; batch dims (all but the last two) broadcast numpy-style.
// float32 runs on oneDNN matmul at optimization level 2 (a constant B is reordered once at plan time),
// or on kernels::PackedDense when B is a constant matrix and A has at most 4 rows in all (batch 1);
// other types and level 0 use the reference loop.
#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "kernels/dense.hpp"
#include "kernels/onednn/matmul.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

struct MatMulShape {
    Shape a, b, y;  // operands and result padded to one rank >= 2 (1-D operands made 2-D)
    Shape out;      // the ONNX output shape
    int64_t m = 0, k = 0, n = 0;
};

MatMulShape matmul_shape(const NodeContext& ctx) {
    MatMulShape s;
    s.a = ctx.input_shape(0);
    s.b = ctx.input_shape(1);
    ctx.check(!s.a.empty() && !s.b.empty(), "MatMul inputs must have rank >= 1");
    ctx.check(ctx.input_dtype(0) == ctx.input_dtype(1), "A and B have different types");
    const bool a_vector = s.a.size() == 1, b_vector = s.b.size() == 1;
    if (a_vector) s.a.insert(s.a.begin(), 1);
    if (b_vector) s.b.push_back(1);
    while (s.a.size() < s.b.size())
        s.a.insert(s.a.begin(), 1);
    while (s.b.size() < s.a.size())
        s.b.insert(s.b.begin(), 1);
    const std::size_t r = s.a.size();
    s.m = s.a[r - 2], s.k = s.a[r - 1], s.n = s.b[r - 1];
    ctx.check(s.b[r - 2] == s.k, "inner dimensions differ: A ", shape_str(ctx.input_shape(0)), " and B ",
              shape_str(ctx.input_shape(1)));
    try {
        s.y = broadcast_shapes(std::span(s.a).first(r - 2), std::span(s.b).first(r - 2));
    } catch (const Error& e) {
        ctx.fail("batch dims do not broadcast: ", e.what());
    }
    s.y.push_back(s.m);
    s.y.push_back(s.n);
    s.out = s.y;
    if (b_vector) s.out.erase(s.out.end() - 1);
    if (a_vector) s.out.erase(s.out.end() - (b_vector ? 1 : 2));
    // Rank of the original operands: the output keeps the larger one's batch dims.
    return s;
}

void infer(InferContext& ctx) { ctx.set_output(0, ctx.input_dtype(0), matmul_shape(ctx).out); }

template <class T>
void matmul_reference(const MatMulShape& s, const T* a, const T* b, T* y) {
    const std::size_t r = s.y.size();
    const Shape batch(s.y.begin(), s.y.end() - 2);
    const std::vector<int64_t> a_step = broadcast_strides(std::span(s.a).first(r - 2), batch);
    const std::vector<int64_t> b_step = broadcast_strides(std::span(s.b).first(r - 2), batch);
    const int64_t batches = product(batch), m = s.m, k = s.k, n = s.n;
    parallel_for(batches * m, std::max<int64_t>(1, 4096 / std::max<int64_t>(k * n, 1)),
                 [&](int64_t begin, int64_t end) {
                     for (int64_t row = begin; row < end; ++row) {
                         const int64_t bi = row / m, i = row % m;
                         int64_t a_off = 0, b_off = 0, rest = bi;  // matrices of A and B used by batch bi
                         for (std::size_t d = batch.size(); d-- > 0;) {
                             const int64_t idx = rest % batch[d];
                             rest /= batch[d];
                             a_off += idx * a_step[d];
                             b_off += idx * b_step[d];
                         }
                         const T* arow = a + (a_off * m + i) * k;
                         const T* bm = b + b_off * k * n;
                         T* yrow = y + row * n;
                         std::fill_n(yrow, n, T(0));
                         for (int64_t p = 0; p < k; ++p)  // i-k-j order: unit-stride inner loop
                             for (int64_t j = 0; j < n; ++j)
                                 yrow[j] += arow[p] * bm[p * n + j];
                     }
                 });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const MatMulShape s = matmul_shape(init);
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
    registry.add({.name = "MatMul", .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
