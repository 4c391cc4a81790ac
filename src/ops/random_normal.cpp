// SPDX-License-Identifier: MIT
// RandomNormal (ONNX opset 1): a tensor of the `shape` attribute drawn from N(mean, scale²) (defaults 0, 1);
// dtype attribute, default float.
// See ops/support/random.hpp for seeding.
#include "ops/support/random.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    ctx.check(ctx.has_attr("shape"), "required attribute 'shape' is missing");
    const auto shape = ctx.attr_ints("shape");
    checked_numel(shape);
    ctx.set_output(0, random_dtype(ctx, DType::kFloat32), shape);
}

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

void register_random_normal(OpRegistry& registry) {
    registry.add({.name = "RandomNormal", .since_version = 1, .infer = infer, .make_kernel = make, .foldable = false});
}

}  // namespace konnx::ops
