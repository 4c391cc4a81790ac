// SPDX-License-Identifier: MIT
// DepthToSpace (ONNX opsets 1, 11, 13): [N, C, H, W] -> [N, C/b², H*b, W*b]. Mode DCR (default) reads
// the channel as (b1, b2, c), CRD (opset 11) as (c, b1, b2). One strided copy over the 6-D output view
// [N, C/b², H, b1, W, b2].
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

bool is_crd(const NodeContext& ctx) {
    const std::string mode = ctx.attr_string("mode", "DCR");
    ctx.check(mode == "DCR" || mode == "CRD", "unknown mode '", mode, "'");
    return mode == "CRD";
}

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    is_crd(ctx);
    const Shape& in = ctx.input_shape(0);
    ctx.check(in.size() == 4, "input must be 4-D, got ", shape_str(in));
    const int64_t b = ctx.attr_int("blocksize");
    ctx.check(b > 0 && in[1] % (b * b) == 0, "channels ", in[1], " are not divisible by blocksize² (", b, ")");
    ctx.set_output(0, ctx.input_dtype(0), {in[0], in[1] / (b * b), in[2] * b, in[3] * b});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Shape& in = init.input_shape(0);
    const int64_t b = init.attr_int("blocksize");
    const int64_t n = in[0], c = in[1] / (b * b), h = in[2], w = in[3];
    const int64_t hw = h * w;
    // Input strides of (c, b1, b2) within the channel axis.
    const int64_t sc = is_crd(init) ? b * b * hw : hw;
    const int64_t sb1 = is_crd(init) ? b * hw : b * c * hw;
    const int64_t sb2 = is_crd(init) ? hw : c * hw;
    const Shape view{n, c, h, b, w, b};
    const std::vector<int64_t> strides{in[1] * hw, sc, w, sb1, 1, sb2};
    return make_kernel([view, strides](const KernelRun& r) {
        strided_copy(r.in(0).raw(), r.out(0).raw(), dtype_size(r.in(0).dtype()), view, strides);
    });
}

}  // namespace

void register_depth_to_space(OpRegistry& registry) {
    registry.add({.name = "DepthToSpace", .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
