// SPDX-License-Identifier: MIT
// Scaler (ai.onnx.ml 1): Y = (X - offset) * scale as float, X float, double, int64 or int32 with its features on
// axis 1 (axis 0 when 1-D). `offset` and `scale` hold one value per feature, or one value for all.
#include "core/dispatch.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Scaling {
    std::vector<float> offset, scale;

    Scaling(const NodeContext& ctx, int64_t features)
        : offset(ctx.attr_floats("offset")), scale(ctx.attr_floats("scale")) {
        ctx.check(!scale.empty(), "attribute 'scale' is missing or empty");
        ctx.check(
            offset.size() == scale.size() && (scale.size() == 1 || static_cast<int64_t>(scale.size()) == features),
            "offset and scale must both hold 1 or ", features, " (the feature count) values, got ", offset.size(),
            " and ", scale.size());
    }
};

void infer(InferContext& ctx) {
    Scaling(ctx, numeric_input(ctx));
    ctx.set_output(0, DType::kFloat32, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const int64_t features = numeric_input(init);
    return make_kernel([s = Scaling(init, features), features](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const bool per_feature = s.scale.size() > 1;
        float* y = r.out(0).data<float>();
        dispatch_list(TypeList<float, double, int64_t, int32_t>{}, x.dtype(), [&]<class T>() {
            const T* in = x.data<T>();
            for (int64_t i = 0, n = x.numel(); i < n; ++i) {
                const auto f = per_feature ? static_cast<std::size_t>(i % features) : 0;
                y[i] = static_cast<float>((in[i] - s.offset[f]) * s.scale[f]);
            }
        });
    });
}

}  // namespace

void register_ml_scaler(OpRegistry& registry) {
    registry.add({.name = "Scaler", .domain = kDomain, .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
