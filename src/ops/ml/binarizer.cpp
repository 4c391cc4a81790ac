// SPDX-License-Identifier: MIT
// Binarizer (ai.onnx.ml 1): Y = X > threshold ? 1 : 0 in X's type (float, double, int64, int32); threshold defaults to
// 0 (the ONNX schema's default). A NaN input is an error naming its index, as in onnxruntime.
#include <cmath>

#include "core/dispatch.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

void infer(InferContext& ctx) {
    numeric_input(ctx);
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([threshold = init.attr_float("threshold", 0.f)](const KernelRun& r) {
        dispatch_list(TypeList<float, double, int64_t, int32_t>{}, r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            T* y = r.out(0).data<T>();
            for (int64_t i = 0, n = r.in(0).numel(); i < n; ++i) {
                if (std::isnan(static_cast<double>(x[i])))
                    fail(ErrorCode::kInvalidArgument, "input X holds NaN at element ", i);
                y[i] = x[i] > threshold ? T(1) : T(0);
            }
        });
    });
}

}  // namespace

void register_ml_binarizer(OpRegistry& registry) {
    registry.add({.name = "Binarizer", .domain = kDomain, .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
