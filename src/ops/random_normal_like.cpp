// SPDX-License-Identifier: MIT
// RandomNormalLike (ONNX opset 1): a tensor of the input's shape drawn from N(mean, scale²) (defaults 0, 1);
// dtype attribute, default the input's (which must then be floating point).
// See ops/support/random.hpp for seeding.
#include "ops/support/random.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) { ctx.set_output(0, random_dtype(ctx, ctx.input_dtype(0)), ctx.input_shape(0)); }

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const double a = init.attr_float("mean", 0), b = init.attr_float("scale", 1);
    init.check(b > 0, "scale must be positive, got ", b);
    return make_kernel([a, b, source = RandomSource(init)](const KernelRun& r) {
        std::mt19937_64 engine = source.engine();
        std::normal_distribution<double> dist(a, b);
        fill_random(r.out(0), [&] { return dist(engine); });
    });
}

}  // namespace

void register_random_normal_like(OpRegistry& registry) {
    registry.add(
        {.name = "RandomNormalLike", .since_version = 1, .infer = infer, .make_kernel = make, .foldable = false});
}

}  // namespace konnx::ops
