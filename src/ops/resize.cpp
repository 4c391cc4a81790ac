// SPDX-License-Identifier: MIT
// Resize (ONNX opsets 10, 11, 13, 18, 19): modes nearest / linear / cubic over any axes. Opset 10 takes
// (X, scales) and behaves like Upsample (asymmetric coordinates); 11+ takes (X, roi, scales, sizes) with
// coordinate_transformation_mode (half_pixel, pytorch_half_pixel, align_corners, asymmetric,
// tf_half_pixel_for_nn, tf_crop_and_resize, half_pixel_symmetric), nearest_mode, cubic_coeff_a, exclude_outside and
// extrapolation_value. Output size: floor(in * scale), or `sizes` (then scale = sizes / in).
// Opset 18 adds antialias (linear/cubic downsampling with a widened filter), axes and keep_aspect_ratio_policy,
// opset 19 half_pixel_symmetric. See support/tensor_resize.hpp.
#include "ops/support/tensor_resize.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) { infer_resize_like(ctx, false); }
std::unique_ptr<Kernel> make(const KernelInit& init) { return make_resize_like(init, false); }

}  // namespace

void register_resize(OpRegistry& registry) {
    registry.add({.name = "Resize", .since_version = 10, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
