// SPDX-License-Identifier: MIT
// Pixel transforms with PIL's semantics (Keras's load_img is PIL): channel conversion, resize, center crop.
//
// * NEAREST (PIL's ImagingScaleAffine): the source coordinate starts at step/2 with step = in/out (double)
//   and is advanced by repeated addition, then truncated. This is floor((i + 0.5) * in / out) except where
//   that product is an exact integer and the accumulated sum falls just below it (e.g. in=2, out=7, i=3
//   gives 0, not 1): PIL's result, checked against Pillow 9.4 for all sizes 1..199 -> 1..259.
// * BILINEAR / BICUBIC (a = -0.5) / BOX: PIL's separable convolution. For each output index the filter is
//   centred at (i + 0.5) * scale, its support widened by scale when downsampling (antialiasing), the weights
//   normalized to sum 1, rounded to 22-bit fixed point; each pass rounds and clamps to 8 bits. Pass order as
//   Pillow 13 (ImagingResampleInner): vertical first when the height shrinks by more than twice what the width
//   shrinks, else horizontal first. Pillow <= 12 always ran horizontal first, so its pixels differ by a level or
//   two in that case; the tests hold konnx against the Pillow of .venv, which Keras's load_img uses.
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/half.hpp"
#include "image/image.hpp"

namespace konnx::image {

namespace {

/// PIL's L = R * 299/1000 + G * 587/1000 + B * 114/1000 in 16-bit fixed point with rounding.
uint8_t luma(uint8_t r, uint8_t g, uint8_t b) {
    return static_cast<uint8_t>((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
}

std::vector<int> nearest_indices(int in_size, int out_size) {
    std::vector<int> index(static_cast<std::size_t>(out_size));
    const double step = static_cast<double>(in_size) / out_size;
    double pos = step * 0.5;
    for (int i = 0; i < out_size; ++i) {
        index[static_cast<std::size_t>(i)] = std::clamp(static_cast<int>(pos), 0, in_size - 1);
        pos += step;
    }
    return index;
}

struct Filter {
    double (*weight)(double);
    double support;
};

double box_weight(double x) { return x > -0.5 && x <= 0.5 ? 1.0 : 0.0; }
double triangle_weight(double x) {
    x = std::fabs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}
double cubic_weight(double x) {  // Keys cubic with a = -0.5
    constexpr double a = -0.5;
    x = std::fabs(x);
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

constexpr int kPrecisionBits = 22;  // 32 bits - 8 for the pixel - 2 for overshoot of negative lobes

/// For each output index: the first source index, the tap count and the fixed-point weights.
struct Taps {
    std::vector<int> first, count;
    std::vector<int32_t> weights;  // out_size * width
    int width = 0;
};

Taps compute_taps(int in_size, int out_size, const Filter& filter) {
    const double scale = static_cast<double>(static_cast<float>(in_size)) / out_size;
    const double filter_scale = std::max(scale, 1.0);
    const double support = filter.support * filter_scale;
    Taps taps;
    taps.width = static_cast<int>(std::ceil(support)) * 2 + 1;
    taps.first.resize(static_cast<std::size_t>(out_size));
    taps.count.resize(static_cast<std::size_t>(out_size));
    taps.weights.assign(static_cast<std::size_t>(out_size) * taps.width, 0);
    std::vector<double> w(static_cast<std::size_t>(taps.width));
    for (int i = 0; i < out_size; ++i) {
        const double center = (i + 0.5) * scale;
        const int lo = std::max(static_cast<int>(center - support + 0.5), 0);
        const int hi = std::min(static_cast<int>(center + support + 0.5), in_size);
        const int n = std::max(hi - lo, 0);
        const double inverse_scale = 1.0 / filter_scale;
        double total = 0;
        for (int k = 0; k < n; ++k) {
            w[static_cast<std::size_t>(k)] = filter.weight((k + lo - center + 0.5) * inverse_scale);
            total += w[static_cast<std::size_t>(k)];
        }
        for (int k = 0; k < n; ++k) {
            const double v = total != 0.0 ? w[static_cast<std::size_t>(k)] / total : w[static_cast<std::size_t>(k)];
            const double fixed = v * (1 << kPrecisionBits);
            taps.weights[static_cast<std::size_t>(i) * taps.width + k] =
                static_cast<int32_t>(v < 0 ? fixed - 0.5 : fixed + 0.5);
        }
        taps.first[static_cast<std::size_t>(i)] = lo;
        taps.count[static_cast<std::size_t>(i)] = n;
    }
    return taps;
}

uint8_t clip_fixed(int64_t acc) { return static_cast<uint8_t>(std::clamp<int64_t>(acc >> kPrecisionBits, 0, 255)); }

/// One separable pass along x (horizontal) or y.
Image convolve(const Image& in, int out_size, bool horizontal, const Filter& filter) {
    const int in_size = horizontal ? in.width : in.height;
    const Taps taps = compute_taps(in_size, out_size, filter);
    Image out =
        horizontal ? Image::blank(in.height, out_size, in.channels) : Image::blank(out_size, in.width, in.channels);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
            const int i = horizontal ? x : y;
            const int32_t* w = &taps.weights[static_cast<std::size_t>(i) * taps.width];
            const int first = taps.first[static_cast<std::size_t>(i)];
            for (int c = 0; c < in.channels; ++c) {
                int64_t acc = int64_t{1} << (kPrecisionBits - 1);
                for (int k = 0; k < taps.count[static_cast<std::size_t>(i)]; ++k)
                    acc += static_cast<int64_t>(horizontal ? in.at(y, first + k, c) : in.at(first + k, x, c)) * w[k];
                out.at(y, x, c) = clip_fixed(acc);
            }
        }
    return out;
}

void check_size(int height, int width, const char* what) {
    if (height <= 0 || width <= 0 || height > (1 << 15) || width > (1 << 15))
        fail(ErrorCode::kInvalidArgument, what, " size ", height, "x", width, " is out of range (1 to 32768)");
    if (static_cast<int64_t>(height) * width > DecodeLimits{}.max_pixels)
        fail(ErrorCode::kLimitExceeded, what, " size ", height, "x", width, " exceeds the limit of ",
             DecodeLimits{}.max_pixels, " pixels");
}

}  // namespace

Image convert_channels(const Image& image, int channels) {
    if (channels != 1 && channels != 3 && channels != 4)
        fail(ErrorCode::kInvalidArgument, "cannot convert an image to ", channels, " channels (1, 3 or 4)");
    if (image.channels == channels) return image;
    Image out = Image::blank(image.height, image.width, channels);
    const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
    const int from = image.channels;
    for (std::size_t p = 0; p < n; ++p) {
        const uint8_t* s = &image.pixels[p * from];
        uint8_t* d = &out.pixels[p * channels];
        const bool gray = from <= 2;
        const uint8_t alpha = from == 2 ? s[1] : from == 4 ? s[3] : 255;
        if (channels == 1) {
            d[0] = gray ? s[0] : luma(s[0], s[1], s[2]);
        } else {
            d[0] = s[0];
            d[1] = gray ? s[0] : s[1];
            d[2] = gray ? s[0] : s[2];
            if (channels == 4) d[3] = alpha;
        }
    }
    return out;
}

Interpolation parse_interpolation(std::string_view name) {
    if (name == "nearest") return Interpolation::kNearest;
    if (name == "bilinear") return Interpolation::kBilinear;
    if (name == "bicubic") return Interpolation::kBicubic;
    if (name == "area" || name == "box") return Interpolation::kArea;
    fail(ErrorCode::kInvalidArgument, "unknown interpolation '", name, "' (nearest, bilinear, bicubic, area)");
}

Image resize(const Image& image, int height, int width, Interpolation interpolation) {
    check_size(height, width, "resize");
    if (image.width <= 0 || image.height <= 0) fail(ErrorCode::kInvalidArgument, "cannot resize an empty image");
    if (image.height == height && image.width == width) return image;
    if (interpolation == Interpolation::kNearest) {
        const auto xs = nearest_indices(image.width, width), ys = nearest_indices(image.height, height);
        Image out = Image::blank(height, width, image.channels);
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                for (int c = 0; c < image.channels; ++c)
                    out.at(y, x, c) = image.at(ys[static_cast<std::size_t>(y)], xs[static_cast<std::size_t>(x)], c);
        return out;
    }
    const Filter filter = interpolation == Interpolation::kBilinear  ? Filter{triangle_weight, 1.0}
                          : interpolation == Interpolation::kBicubic ? Filter{cubic_weight, 2.0}
                                                                     : Filter{box_weight, 0.5};
    const int height_drop = image.height - height, width_drop = image.width - width;
    const bool vertical_first = height_drop > 0 && height_drop > 2 * width_drop;
    const auto pass = [&](const Image& in, bool horizontal) {
        const bool needed = horizontal ? width != in.width : height != in.height;
        return needed ? convolve(in, horizontal ? width : height, horizontal, filter) : in;
    };
    return pass(pass(image, !vertical_first), vertical_first);
}

Image center_crop(const Image& image, int height, int width) {
    check_size(height, width, "crop");
    if (height > image.height || width > image.width)
        fail(ErrorCode::kInvalidArgument, "cannot crop ", height, "x", width, " out of a ", image.height, "x",
             image.width, " image");
    const int top = static_cast<int>(std::nearbyint((image.height - height) / 2.0));
    const int left = static_cast<int>(std::nearbyint((image.width - width) / 2.0));
    Image out = Image::blank(height, width, image.channels);
    const std::size_t row = static_cast<std::size_t>(width) * image.channels;
    for (int y = 0; y < height; ++y)
        std::copy_n(&image.pixels[(static_cast<std::size_t>(top + y) * image.width + left) * image.channels], row,
                    &out.pixels[static_cast<std::size_t>(y) * row]);
    return out;
}

Normalization preset(std::string_view name) {
    Normalization n;
    if (name == "none" || name == "raw") return n;
    if (name == "caffe") {
        n.bgr = true;
        n.mean = {103.939f, 116.779f, 123.68f};
        return n;
    }
    if (name == "tf") {
        n.divisor = 127.5f;
        n.mean = {1.f};
        return n;
    }
    if (name == "torch") {
        n.divisor = 255.f;
        n.mean = {0.485f, 0.456f, 0.406f};
        n.std = {0.229f, 0.224f, 0.225f};
        return n;
    }
    fail(ErrorCode::kInvalidArgument, "unknown preprocessing '", name, "' (none, caffe, tf, torch)");
}

void pack(const Image& image, const Normalization& norm, Layout layout, DType dtype, void* out) {
    const int C = image.channels, H = image.height, W = image.width;
    for (const auto* v : {&norm.mean, &norm.std})
        if (v->size() > 1 && static_cast<int>(v->size()) != C)
            fail(ErrorCode::kInvalidArgument, "normalization has ", v->size(), " values for a ", C,
                 "-channel input (give 1 or ", C, ")");
    const bool identity = norm.divisor == 1.f && norm.scale == 1.f && !norm.bgr &&
                          std::all_of(norm.mean.begin(), norm.mean.end(), [](float m) { return m == 0.f; }) &&
                          std::all_of(norm.std.begin(), norm.std.end(), [](float s) { return s == 1.f; });
    if (dtype == DType::kUInt8 && !identity)
        fail(ErrorCode::kUnsupported,
             "the model takes uint8 pixels: use --preprocess none without --mean/--std/--scale");
    if (dtype != DType::kFloat32 && dtype != DType::kFloat64 && dtype != DType::kFloat16 && dtype != DType::kUInt8)
        fail(ErrorCode::kUnsupported, "image input of type ", dtype_name(dtype),
             " is not supported (float32, float16, float64, uint8)");
    auto value_at = [&](int y, int x, int c) -> float {
        const int src = norm.bgr && C >= 3 && c < 3 ? 2 - c : c;
        float v = static_cast<float>(image.at(y, x, src));
        if (norm.divisor != 1.f) v /= norm.divisor;
        if (norm.scale != 1.f) v *= norm.scale;
        if (!norm.mean.empty()) v -= norm.mean.size() == 1 ? norm.mean[0] : norm.mean[static_cast<std::size_t>(c)];
        if (!norm.std.empty()) v /= norm.std.size() == 1 ? norm.std[0] : norm.std[static_cast<std::size_t>(c)];
        return v;
    };
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x)
            for (int c = 0; c < C; ++c) {
                const std::size_t i = layout == Layout::kNHWC ? (static_cast<std::size_t>(y) * W + x) * C + c
                                                              : (static_cast<std::size_t>(c) * H + y) * W + x;
                if (dtype == DType::kFloat32)
                    static_cast<float*>(out)[i] = value_at(y, x, c);
                else if (dtype == DType::kFloat16)
                    static_cast<Float16*>(out)[i] = to_float16(value_at(y, x, c));
                else if (dtype == DType::kFloat64)
                    static_cast<double*>(out)[i] = value_at(y, x, c);
                else
                    static_cast<uint8_t*>(out)[i] = image.at(y, x, c);
            }
}

}  // namespace konnx::image
