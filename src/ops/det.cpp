// SPDX-License-Identifier: MIT
// Det (ONNX opsets 11, 22): determinants of the square matrices in the last two axes, [*, M, M] -> [*].
// Gaussian elimination with partial pivoting, accumulated in double.
#include <cmath>
#include <utility>
#include <vector>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() >= 2 && x[x.size() - 1] == x[x.size() - 2], "input must be [*, M, M], got ", shape_str(x));
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "input must be float or double, got ", dtype_name(t));
    ctx.set_output(0, t, Shape(x.begin(), x.end() - 2));
}

double determinant(std::vector<double>& a, int64_t m) {
    double det = 1;
    for (int64_t k = 0; k < m; ++k) {
        int64_t pivot = k;
        for (int64_t i = k + 1; i < m; ++i)
            if (std::fabs(a[static_cast<std::size_t>(i * m + k)]) >
                std::fabs(a[static_cast<std::size_t>(pivot * m + k)]))
                pivot = i;
        const double p = a[static_cast<std::size_t>(pivot * m + k)];
        if (p == 0) return 0;
        if (pivot != k) {
            for (int64_t j = 0; j < m; ++j)
                std::swap(a[static_cast<std::size_t>(k * m + j)], a[static_cast<std::size_t>(pivot * m + j)]);
            det = -det;
        }
        det *= p;
        for (int64_t i = k + 1; i < m; ++i) {
            const double f = a[static_cast<std::size_t>(i * m + k)] / p;
            for (int64_t j = k + 1; j < m; ++j)
                a[static_cast<std::size_t>(i * m + j)] -= f * a[static_cast<std::size_t>(k * m + j)];
        }
    }
    return det;
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const int64_t m = r.in(0).shape().back();
            const int64_t count = r.out(0).numel();
            const T* x = r.in(0).data<T>();
            T* y = r.out(0).data<T>();
            parallel_for(count, std::max<int64_t>(1, 4096 / std::max<int64_t>(m * m * m, 1)),
                         [&](int64_t lo, int64_t hi) {
                             std::vector<double> a(static_cast<std::size_t>(m * m));
                             for (int64_t b = lo; b < hi; ++b) {
                                 for (int64_t i = 0; i < m * m; ++i)
                                     a[static_cast<std::size_t>(i)] = static_cast<double>(x[b * m * m + i]);
                                 y[b] = static_cast<T>(determinant(a, m));
                             }
                         });
        });
    });
}

}  // namespace

void register_det(OpRegistry& registry) {
    registry.add({.name = "Det", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
