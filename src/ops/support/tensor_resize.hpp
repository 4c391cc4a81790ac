// SPDX-License-Identifier: MIT
// Resize and Upsample share this: the parameters (modes, coordinate transformation, output size from
// scales or sizes) and a separable kernel that resamples one axis at a time, last axis first, in double
// precision, the way ONNX's reference interpolates (each 1-D step: taps around the mapped coordinate
// with edge clamping; tf_crop_and_resize positions outside the input give extrapolation_value).
#pragma once

#include "ops/support/tensor_common.hpp"

namespace konnx::ops {

struct ResizeSpec {
    enum class Mode { kNearest, kLinear, kCubic } mode = Mode::kNearest;
    enum class Coord {
        kHalfPixel,
        kPytorchHalfPixel,
        kAlignCorners,
        kAsymmetric,
        kTfHalfPixelForNn,
        kTfCropAndResize,
        kHalfPixelSymmetric
    } coord = Coord::kHalfPixel;
    // kSimple: Upsample / Resize-10 (floor when upsampling, ceil when downsampling, like onnxruntime).
    enum class Nearest {
        kRoundPreferFloor,
        kRoundPreferCeil,
        kFloor,
        kCeil,
        kSimple
    } nearest = Nearest::kRoundPreferFloor;
    double cubic_a = -0.75;
    bool exclude_outside = false;
    bool antialias = false;  ///< linear/cubic downsampling with the filter widened by 1 / scale (opset 18)
    double extrapolation = 0;
    std::vector<double> scales;  // per axis
    std::vector<double> roi;     // [starts..., ends...] for tf_crop_and_resize
    Shape out;
};

/// Reads Resize (opsets 10, 11, 13, 18, 19) or, with `upsample`, Upsample (opsets 7, 9) parameters; opset 18's
/// `axes` and keep_aspect_ratio_policy are resolved here into per-axis scales and output sizes.
ResizeSpec resize_spec(const NodeContext& ctx, bool upsample);

void infer_resize_like(InferContext& ctx, bool upsample);
std::unique_ptr<Kernel> make_resize_like(const KernelInit& init, bool upsample);

}  // namespace konnx::ops
