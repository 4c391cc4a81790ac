// SPDX-License-Identifier: MIT
// Bernoulli (ONNX opset 15): y[i] = 1 with probability x[i], else 0; dtype attribute (default the input's;
// any numeric type or bool). See ops/support/random.hpp for seeding. Probabilities outside [0, 1] are
// clamped (x <= 0 never fires, x >= 1 always does).
#include "ops/support/random.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    const DType t = ctx.input_dtype(0);
    ctx.check(t == DType::kFloat32 || t == DType::kFloat64, "input must be float or double, got ", dtype_name(t));
    ctx.set_output(0, random_dtype(ctx, t, true), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([source = RandomSource(init)](const KernelRun& r) {
        std::mt19937_64 engine = source.engine();
        std::uniform_real_distribution<double> dist(0, 1);
        dispatch_list(FloatTypes{}, r.in(0).dtype(), [&]<class T>() {
            const T* p = r.in(0).data<T>();
            int64_t i = 0;
            fill_random(r.out(0), [&] { return dist(engine) < static_cast<double>(p[i++]) ? 1.0 : 0.0; });
        });
    });
}

}  // namespace

void register_bernoulli(OpRegistry& registry) {
    registry.add({.name = "Bernoulli", .since_version = 15, .infer = infer, .make_kernel = make, .foldable = false});
}

}  // namespace konnx::ops
