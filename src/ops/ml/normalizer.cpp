// SPDX-License-Identifier: MIT
// Normalizer (ai.onnx.ml 1): normalizes X (float, double, int64, int32) along axis 1 (axis 0 of a 1-D X) into a float
// tensor of X's shape. norm MAX divides by the largest value (not the largest magnitude, as onnxruntime does), L1
// by the sum of magnitudes, L2 by the Euclidean norm; a zero divisor leaves the values as they are.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/dispatch.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

enum class Norm { kMax, kL1, kL2 };

Norm norm_of(const NodeContext& ctx) {
    const std::string norm = ctx.attr_string("norm", "MAX");
    if (norm == "MAX") return Norm::kMax;
    if (norm == "L1") return Norm::kL1;
    if (norm == "L2") return Norm::kL2;
    ctx.fail("norm must be MAX, L1 or L2, got '", norm, "'");
}

/// Normalizes the `count` values x[0], x[step], ... into y at the same offsets.
template <class T>
void normalize(const T* x, float* y, int64_t count, int64_t step, Norm norm) {
    const auto at = [&](int64_t i) { return static_cast<float>(x[i * step]); };
    float divisor = 0;
    if (norm == Norm::kMax) {
        divisor = std::numeric_limits<float>::lowest();
        for (int64_t i = 0; i < count; ++i)
            divisor = std::max(divisor, at(i));
    } else if (norm == Norm::kL1) {
        for (int64_t i = 0; i < count; ++i)
            divisor += std::abs(at(i));
    } else {
        for (int64_t i = 0; i < count; ++i) {
            const auto v = static_cast<double>(x[i * step]);
            divisor += static_cast<float>(std::is_floating_point_v<T> ? x[i * step] * x[i * step] : v * v);
        }
    }
    for (int64_t i = 0; i < count; ++i) {
        float& out = y[i * step];
        if (divisor == 0.f) {
            out = at(i);
        } else if (norm == Norm::kL2) {
            const auto v = static_cast<double>(x[i * step]);
            const auto square = static_cast<float>(std::is_floating_point_v<T> ? x[i * step] * x[i * step] : v * v);
            out = std::sqrt(square / divisor) * (x[i * step] < 0 ? -1.f : 1.f);
        } else {
            out = at(i) / divisor;
        }
    }
}

void infer(InferContext& ctx) {
    numeric_input(ctx);
    norm_of(ctx);
    ctx.set_output(0, DType::kFloat32, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([norm = norm_of(init)](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const Shape& s = x.shape();
        const int64_t count = s.size() == 1 ? s[0] : s[1];  // values normalized together
        int64_t inner = 1;                                  // their stride: the dims after axis 1
        for (std::size_t d = 2; d < s.size(); ++d)
            inner *= s[d];
        const int64_t outer = s.size() == 1 ? 1 : s[0];
        dispatch_list(TypeList<float, double, int64_t, int32_t>{}, x.dtype(), [&]<class T>() {
            for (int64_t o = 0; o < outer; ++o)
                for (int64_t i = 0; i < inner; ++i) {
                    const int64_t offset = o * count * inner + i;
                    normalize(x.data<T>() + offset, r.out(0).data<float>() + offset, count, inner, norm);
                }
        });
    });
}

}  // namespace

void register_ml_normalizer(OpRegistry& registry) {
    registry.add({.name = "Normalizer", .domain = kDomain, .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
