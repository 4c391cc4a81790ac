// SPDX-License-Identifier: MIT
// Image decoding (BMP/PNG/JPEG/PPM/PGM) plus the classify preprocessing: channel adaptation, resize with
// the interpolation picked by the last byte, center crop and packing into a float tensor.
#include <span>
#include <vector>

#include "core/error.hpp"
#include "image/image.hpp"

using namespace konnx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    image::DecodeLimits limits;
    limits.max_pixels = int64_t{1} << 22;  // 4 Mpx: keeps each iteration fast; the limit itself is checked
    try {
        const image::Image decoded = image::decode(std::as_bytes(std::span(data, size)), "fuzz-input", limits);
        const uint8_t knob = size ? data[size - 1] : 0;
        const int channels = (knob & 3) == 0 ? 1 : (knob & 3) == 1 ? 3 : 4;
        const auto interp = static_cast<image::Interpolation>((knob >> 2) & 3);
        const image::Image adapted = image::convert_channels(decoded, channels);
        const image::Image resized = image::resize(adapted, 1 + (knob >> 4), 7 + (knob & 7), interp);
        const image::Image cropped = image::center_crop(resized, 1 + (knob >> 5), 5);
        image::Normalization norm = image::preset((knob & 64) ? "torch" : "caffe");
        if (static_cast<int>(norm.mean.size()) != channels) norm = image::preset("none");
        std::vector<float> packed(static_cast<std::size_t>(cropped.width) * cropped.height * channels);
        image::pack(cropped, norm, (knob & 128) ? image::Layout::kNCHW : image::Layout::kNHWC, DType::kFloat32,
                    packed.data());
    } catch (const Error&) {
    }
    return 0;
}
