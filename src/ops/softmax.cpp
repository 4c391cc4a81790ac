// SPDX-License-Identifier: MIT
// Softmax (ONNX opsets 1, 11, 13): y = exp(x - max) / sum(exp(x - max)) over each row.
// Before opset 13 the rows are those of the input coerced to 2-D at `axis` (default 1); from 13 they are the
// slices along `axis` (default -1). See ops/support/softmax.hpp. Max subtraction keeps large inputs finite.
#include <algorithm>
#include <cmath>

#include "core/dispatch.hpp"
#include "ops/support/elementwise.hpp"
#include "ops/support/softmax.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    softmax_layout(ctx);  // validates axis
    infer_same_as_input(ctx);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([layout = softmax_layout(init)](const KernelRun& r) {
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            T* y = r.out(0).data<T>();
            const int64_t n = layout.n;
            for_each_softmax_row(layout, [&](int64_t base, int64_t stride) {
                T m = -std::numeric_limits<T>::infinity();
                for (int64_t k = 0; k < n; ++k)
                    m = std::max(m, x[base + k * stride]);
                double sum = 0;
                for (int64_t k = 0; k < n; ++k) {
                    const T e = std::exp(x[base + k * stride] - m);
                    y[base + k * stride] = e;
                    sum += e;
                }
                const T scale = static_cast<T>(1.0 / sum);
                for (int64_t k = 0; k < n; ++k)
                    y[base + k * stride] *= scale;
            });
        });
    });
}

}  // namespace

void register_softmax(OpRegistry& registry) {
    registry.add({.name = "Softmax", .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
