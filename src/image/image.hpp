// SPDX-License-Identifier: MIT
// Images for classification: decode (stb_image behind this interface), resize, center crop, channel
// adaptation, normalization presets and NHWC/NCHW packing.
//
// The default pipeline reproduces Keras's `load_img(path, target_size=(H, W))` + `img_to_array` bit for bit
// on lossless formats: PIL's colour conversions (gray -> RGB replicates, RGBA -> RGB drops alpha,
// RGB -> L uses PIL's fixed-point ITU-R 601 luma) and PIL's resampling on 8-bit pixels (NEAREST with
// PIL's accumulated source coordinate; BILINEAR/BICUBIC/BOX as PIL's separable, antialiased convolution
// in 22-bit fixed point, horizontal pass first). JPEG pixels come from stb_image, whose IDCT and chroma
// upsampling differ slightly from libjpeg's, so JPEG inputs match PIL only approximately.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "konnx/tensor.hpp"

namespace konnx::image {

/// 8-bit pixels, rows top to bottom, channels interleaved (HWC). channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
struct Image {
    int width = 0, height = 0, channels = 0;
    std::vector<uint8_t> pixels;

    static Image blank(int height, int width, int channels);
    uint8_t at(int y, int x, int c) const { return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c]; }
    uint8_t& at(int y, int x, int c) { return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c]; }
};

/// Limits checked from the file header before any pixel is decoded.
struct DecodeLimits {
    int max_side = 1 << 15;                 ///< width and height at most this
    int64_t max_pixels = int64_t{1} << 26;  ///< width * height at most this (64 Mpx)
    std::size_t max_file_bytes = std::size_t{1} << 30;
};

/// Decodes BMP, PNG, JPEG, PPM or PGM (chosen by the magic bytes). `name` is used in error messages.
/// Throws kInvalidModel naming `name` for empty, truncated, corrupt or unsupported data, kLimitExceeded
/// for images over the limits.
Image decode(std::span<const std::byte> bytes, const std::string& name, const DecodeLimits& limits = {});
/// Reads and decodes a file (kFileNotFound / kIo from the read).
Image read_image(const std::string& path, const DecodeLimits& limits = {});

/// To 1 (gray), 3 (RGB) or 4 (RGBA) channels with PIL's `Image.convert` rules.
Image convert_channels(const Image& image, int channels);

enum class Interpolation { kNearest, kBilinear, kBicubic, kArea };
/// "nearest", "bilinear", "bicubic", "area" (also "box"); throws kInvalidArgument otherwise.
Interpolation parse_interpolation(std::string_view name);
/// PIL's `Image.resize((width, height), filter)` on 8-bit pixels (area = PIL's BOX).
Image resize(const Image& image, int height, int width, Interpolation interpolation);
/// The central height x width window; the offsets round half to even like torchvision's CenterCrop.
Image center_crop(const Image& image, int height, int width);

/// value = ((pixel / divisor) * scale - mean[c]) / std[c], in float32, after an optional RGB -> BGR swap.
/// mean/std are empty (0 / 1), one value for all channels, or one per channel (in the model's channel order).
struct Normalization {
    float divisor = 1.f;
    float scale = 1.f;
    std::vector<float> mean, std;
    bool bgr = false;
};
/// keras.applications presets: "none" (raw 0-255), "caffe", "tf", "torch". kInvalidArgument otherwise.
Normalization preset(std::string_view name);

enum class Layout { kNHWC, kNCHW };

/// Writes the normalized image as H*W*C (NHWC) or C*H*W (NCHW) values of type float32, float16, float64 or uint8
/// into `out` (which must hold height*width*channels elements). uint8 requires the identity normalization.
void pack(const Image& image, const Normalization& norm, Layout layout, DType dtype, void* out);

}  // namespace konnx::image
