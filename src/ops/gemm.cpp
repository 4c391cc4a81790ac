// SPDX-License-Identifier: MIT
// Gemm (ONNX opsets 1, 6, 7, 9, 11, 13): Y = alpha * A' x B' + beta * C, with A' = transA ? A^T : A (M x K),
// B' = transB ? B^T : B (K x N); C (optional from 11) broadcasts unidirectionally to [M, N].
// Opsets 1-6 had a `broadcast` attribute (0 = C must already be [M, N]); broadcasting whenever C's
// shape allows gives the same result on every valid model, so the attribute is ignored.
// float32 runs on oneDNN matmul at optimization level 2: a constant B is scaled by alpha and reordered
// once, a constant C is scaled by beta and becomes the bias; other cases add beta * C afterwards. With
// a constant B and at most 4 rows in A (batch 1) it runs on kernels::PackedDense instead.
#include <vector>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "kernels/dense.hpp"
#include "kernels/onednn/matmul.hpp"
#include "ops/support/elementwise.hpp"
#include "ops/support/matmul.hpp"

namespace konnx::ops {
namespace {

struct GemmShape {
    int64_t m = 0, k = 0, n = 0;
    bool trans_a = false, trans_b = false;
    float alpha = 1, beta = 1;
    Shape c;  // C's shape padded to 2-D ([1, 1] for a scalar), empty without C
};

GemmShape gemm_shape(const NodeContext& ctx) {
    GemmShape s;
    const Shape& a = ctx.input_shape(0);
    const Shape& b = ctx.input_shape(1);
    ctx.check(a.size() == 2 && b.size() == 2, "A and B must be 2-D, got ", shape_str(a), " and ", shape_str(b));
    ctx.check(ctx.input_dtype(0) == ctx.input_dtype(1), "A and B have different types");
    s.trans_a = ctx.attr_int("transA", 0) != 0;
    s.trans_b = ctx.attr_int("transB", 0) != 0;
    s.alpha = ctx.attr_float("alpha", 1.0f);
    s.beta = ctx.attr_float("beta", 1.0f);
    s.m = s.trans_a ? a[1] : a[0];
    s.k = s.trans_a ? a[0] : a[1];
    s.n = s.trans_b ? b[0] : b[1];
    const int64_t kb = s.trans_b ? b[1] : b[0];
    ctx.check(kb == s.k, "inner dimensions differ: A' is ", s.m, "x", s.k, ", B' is ", kb, "x", s.n);
    if (ctx.has_input(2)) {
        const Shape& c = ctx.input_shape(2);
        ctx.check(c.size() <= 2, "C must have rank <= 2, got ", shape_str(c));
        ctx.check(ctx.input_dtype(2) == ctx.input_dtype(0), "C and A have different types");
        s.c = c;
        while (s.c.size() < 2)
            s.c.insert(s.c.begin(), 1);
        ctx.check((s.c[0] == 1 || s.c[0] == s.m) && (s.c[1] == 1 || s.c[1] == s.n), "C ", shape_str(c),
                  " does not broadcast to [", s.m, ",", s.n, "]");
    }
    return s;
}

void infer(InferContext& ctx) {
    const GemmShape s = gemm_shape(ctx);
    ctx.set_output(0, ctx.input_dtype(0), Shape{s.m, s.n});
}

// y[i][j] += beta * C broadcast.
template <class T>
void add_c(const GemmShape& s, const T* c, T* y) {
    const int64_t ci = s.c[0] == 1 ? 0 : s.c[1], cj = s.c[1] == 1 ? 0 : 1;
    parallel_for(s.m, 64, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            for (int64_t j = 0; j < s.n; ++j)
                y[i * s.n + j] += static_cast<T>(s.beta * c[i * ci + j * cj]);
    });
}

template <class T>
void gemm_reference(const GemmShape& s, const T* a, const T* b, const T* c, T* y) {
    const T alpha = static_cast<T>(s.alpha);
    parallel_for(s.m, std::max<int64_t>(1, 4096 / std::max<int64_t>(s.k * s.n, 1)), [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            for (int64_t j = 0; j < s.n; ++j) {
                T acc = 0;
                for (int64_t p = 0; p < s.k; ++p)
                    acc +=
                        (s.trans_a ? a[p * s.m + i] : a[i * s.k + p]) * (s.trans_b ? b[j * s.k + p] : b[p * s.n + j]);
                y[i * s.n + j] = alpha * acc;
            }
    });
    if (c && s.beta != 0) add_c(s, c, y);
}

std::unique_ptr<Kernel> make_onednn(const KernelInit& init, const GemmShape& s) {
    namespace dnn = kernels::onednn;
    dnn::MatMulParams p;
    p.a = {s.m, s.k};
    p.a_strides = s.trans_a ? kernels::onednn::dims{1, s.m} : kernels::onednn::dims{s.k, 1};
    p.b = {s.k, s.n};
    p.b_strides = s.trans_b ? kernels::onednn::dims{1, s.k} : kernels::onednn::dims{s.n, 1};
    p.y = {s.m, s.n};
    // alpha: folded into a constant B, else a post-op scale (which then forbids a bias).
    const Tensor* b = init.input_value(1);
    std::vector<float> b_scaled;
    if (b && s.alpha != 1.0f) {
        b_scaled.assign(b->data<float>(), b->data<float>() + b->numel());
        for (float& v : b_scaled)
            v *= s.alpha;
    }
    p.scale = b ? 1.0f : s.alpha;
    // beta * C: a constant C becomes a pre-scaled bias; a runtime C is the bias when no scaling is needed.
    const Tensor* c = init.input_value(2);
    const bool has_c = !s.c.empty() && s.beta != 0.0f;
    std::vector<float> c_scaled;
    bool c_in_primitive = false;
    if (has_c && p.scale == 1.0f && (c || s.beta == 1.0f)) {
        p.bias = s.c;
        c_in_primitive = true;
        if (c) {
            c_scaled.assign(c->data<float>(), c->data<float>() + c->numel());
            for (float& v : c_scaled)
                v *= s.beta;
        }
    }
    struct OneDnnGemm final : Kernel {
        dnn::MatMul mm;
        GemmShape s;
        bool runtime_bias, add_c_after;
        OneDnnGemm(const dnn::MatMulParams& p, const float* b, const float* c, const GemmShape& shape, bool bias,
                   bool after)
            : mm(p, b, c), s(shape), runtime_bias(bias), add_c_after(after) {}
        void run(const KernelRun& r) const override {
            const float* c = r.has_in(2) ? r.in(2).data<float>() : nullptr;
            mm.run(r.in(0).data<float>(), r.in(1).data<float>(), runtime_bias ? c : nullptr, r.out(0).data<float>(),
                   r.scratch);
            if (add_c_after) add_c<float>(s, c, r.out(0).data<float>());
        }
        std::size_t scratch_bytes() const override { return mm.scratch_bytes(); }
    };
    const float* b_data = b ? (b_scaled.empty() ? b->data<float>() : b_scaled.data()) : nullptr;
    return std::make_unique<OneDnnGemm>(p, b_data, c_scaled.empty() ? nullptr : c_scaled.data(), s,
                                        c_in_primitive && !c, has_c && !c_in_primitive);
}

// A few rows times a constant B (a classifier at batch 1): the bandwidth-bound product of kernels/dense.
std::unique_ptr<Kernel> make_dense(const KernelInit& init, const GemmShape& s) {
    struct DenseGemm final : Kernel {
        kernels::PackedDense dense;
        GemmShape s;
        DenseGemm(const float* b, const GemmShape& shape)
            : dense(b, shape.k, shape.n, shape.trans_b, shape.alpha), s(shape) {}
        void run(const KernelRun& r) const override {
            dense.run(r.in(0).data<float>(), s.m, r.out(0).data<float>());
            if (r.has_in(2) && s.beta != 0) add_c<float>(s, r.in(2).data<float>(), r.out(0).data<float>());
        }
    };
    return std::make_unique<DenseGemm>(init.input_value(1)->data<float>(), s);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const GemmShape s = gemm_shape(init);
    const bool fp32 = init.input_dtype(0) == DType::kFloat32;
    // A^T of one row is the same buffer as A, so transA only matters from two rows on.
    if (init.optimized() && fp32 && init.input_value(1) && s.m >= 1 && s.m <= kernels::PackedDense::kMaxRows &&
        (!s.trans_a || s.m == 1) && s.k > 0 && s.n > 0)
        return make_dense(init, s);
    if (init.optimized() && fp32 && s.m > 0 && s.k > 0 && s.n > 0) {
        try {
            return make_onednn(init, s);
        } catch (const dnnl::error&) {
            // fall back to the reference kernel
        }
    }
    return make_kernel([s](const KernelRun& r) {
        dispatch<float, double, int32_t, int64_t, uint32_t, uint64_t>(r.in(0).dtype(), [&]<class T>() {
            gemm_reference<T>(s, r.in(0).data<T>(), r.in(1).data<T>(), r.has_in(2) ? r.in(2).data<T>() : nullptr,
                              r.out(0).data<T>());
        });
    });
}

}  // namespace

void register_gemm(OpRegistry& registry) {
    registry.add({.name = "Gemm",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = [](const KernelInit& init) { return matmul_cost(init, init.attr_int("transA", 0) != 0); },
                  .packed_float_inputs = 1u << 1});
}

}  // namespace konnx::ops
