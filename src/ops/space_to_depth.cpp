// SPDX-License-Identifier: MIT
// SpaceToDepth (ONNX opsets 1, 13): [N, C, H, W] -> [N, C*b², H/b, W/b], the output channel read as
// (b1, b2, c). One strided copy over the 6-D output view [N, b1, b2, C, H/b, W/b].
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    const Shape& in = ctx.input_shape(0);
    ctx.check(in.size() == 4, "input must be 4-D, got ", shape_str(in));
    const int64_t b = ctx.attr_int("blocksize");
    ctx.check(b > 0 && in[2] % b == 0 && in[3] % b == 0, "spatial dims of ", shape_str(in),
              " are not divisible by blocksize ", b);
    ctx.set_output(0, ctx.input_dtype(0), {in[0], in[1] * b * b, in[2] / b, in[3] / b});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Shape& in = init.input_shape(0);
    const int64_t b = init.attr_int("blocksize");
    const int64_t n = in[0], c = in[1], h = in[2], w = in[3];
    const Shape view{n, b, b, c, h / b, w / b};
    const std::vector<int64_t> strides{c * h * w, w, 1, h * w, b * w, b};
    return make_kernel([view, strides](const KernelRun& r) {
        strided_copy(r.in(0).raw(), r.out(0).raw(), dtype_size(r.in(0).dtype()), view, strides);
    });
}

}  // namespace

void register_space_to_depth(OpRegistry& registry) {
    registry.add({.name = "SpaceToDepth", .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
