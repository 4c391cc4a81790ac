// SPDX-License-Identifier: MIT
// src/image: decode, channel conversion, resize, crop, normalization, packing.
// References: hand-computed small cases (derivations in comments) and Pillow itself (.venv) through
// tools/image_reference.py (what Keras's load_img runs).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "core/file.hpp"
#include "core/npy.hpp"
#include "image/image.hpp"
#include "support/test_support.hpp"

using namespace konnx;
using namespace konnx::image;
using konnx::test::run_command;

namespace {

Image make(int h, int w, int c, std::vector<uint8_t> px) {
    Image im = Image::blank(h, w, c);
    EXPECT_EQ(px.size(), im.pixels.size());
    im.pixels = std::move(px);
    return im;
}

Image random_image(int h, int w, int c, uint32_t seed) {
    Image im = Image::blank(h, w, c);
    std::mt19937 rng(seed);
    for (auto& p : im.pixels)
        p = static_cast<uint8_t>(rng() & 255);
    return im;
}

std::span<const std::byte> as_bytes(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

ErrorCode decode_error(const std::string& bytes, std::string* message = nullptr) {
    try {
        decode(as_bytes(bytes), "bad.img");
    } catch (const Error& e) {
        if (message) *message = e.what();
        return e.code();
    }
    return ErrorCode::kInternal;
}

// --- Pillow through tools/image_reference.py -------------------------------------------------------------
std::string tmp_dir() {
    const std::string dir = konnx::test::binary_dir() + "/test_tmp/image";
    std::filesystem::create_directories(dir);
    return dir;
}

void reference(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {konnx::test::python(), konnx::test::source_dir() + "/tools/image_reference.py"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_command(argv, 120);
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

void save(const Image& im, const std::string& path) {
    Tensor t = Tensor::empty(DType::kUInt8, {im.height, im.width, im.channels});
    std::copy(im.pixels.begin(), im.pixels.end(), t.data<uint8_t>());
    write_npy(path, t);
}

Image load(const std::string& path) {
    Tensor t = read_npy(path);
    EXPECT_EQ(t.rank(), 3u);
    Image im = Image::blank(static_cast<int>(t.dim(0)), static_cast<int>(t.dim(1)), static_cast<int>(t.dim(2)));
    std::copy(t.data<uint8_t>(), t.data<uint8_t>() + t.numel(), im.pixels.begin());
    return im;
}

::testing::AssertionResult same_pixels(const Image& got, const Image& want) {
    if (got.height != want.height || got.width != want.width || got.channels != want.channels)
        return ::testing::AssertionFailure() << "size " << got.height << "x" << got.width << "x" << got.channels
                                             << " != " << want.height << "x" << want.width << "x" << want.channels;
    for (std::size_t i = 0; i < got.pixels.size(); ++i)
        if (got.pixels[i] != want.pixels[i])
            return ::testing::AssertionFailure()
                   << "pixel value " << i << ": " << int(got.pixels[i]) << " != " << int(want.pixels[i]);
    return ::testing::AssertionSuccess();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
TEST(ImageDecode, HandMadeBmpPgmPpm) {
    // 24-bit BMP, 2x2, bottom-up rows padded to 4 bytes, pixels stored B,G,R.
    std::string bmp = std::string("BM") + std::string("\x46\0\0\0", 4) + std::string(4, '\0') +
                      std::string("\x36\0\0\0", 4);                        // file header (14)
    bmp += std::string("\x28\0\0\0\x02\0\0\0\x02\0\0\0\x01\0\x18\0", 16);  // size, w=2, h=2, planes, 24bpp
    bmp += std::string(24, '\0');                                          // BI_RGB, sizes, dpi, colours
    bmp += std::string("\x00\x00\xFF\x00\xFF\x00\0\0", 8);                 // bottom row: red, green
    bmp += std::string("\xFF\x00\x00\xFF\xFF\xFF\0\0", 8);                 // top row: blue, white
    Image im = decode(as_bytes(bmp), "tiny.bmp");
    EXPECT_TRUE(same_pixels(im, make(2, 2, 3, {0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 0})));

    Image gray = decode(as_bytes(std::string("P5\n3 1\n255\n\x01\x80\xFF", 14)), "g.pgm");
    EXPECT_TRUE(same_pixels(gray, make(1, 3, 1, {1, 128, 255})));
    Image rgb = decode(as_bytes(std::string("P6 1 2 255\n\x01\x02\x03\x04\x05\x06", 17)), "c.ppm");
    EXPECT_TRUE(same_pixels(rgb, make(2, 1, 3, {1, 2, 3, 4, 5, 6})));
}

TEST(ImageDecode, RejectsEmptyCorruptTruncatedAndHugeWithTheFileName) {
    std::string msg;
    EXPECT_EQ(decode_error("", &msg), ErrorCode::kInvalidModel);
    EXPECT_NE(msg.find("bad.img"), std::string::npos) << msg;
    EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
    EXPECT_EQ(decode_error("hello, world: not an image", &msg), ErrorCode::kInvalidModel);
    EXPECT_NE(msg.find("not a supported image"), std::string::npos) << msg;
    EXPECT_EQ(decode_error(std::string("\x89PNG\r\n\x1a\n\0\0", 10)), ErrorCode::kInvalidModel);
    EXPECT_EQ(decode_error(std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10)), ErrorCode::kInvalidModel);
    EXPECT_EQ(decode_error("P5\n3 1\n255\n\x01"), ErrorCode::kInvalidModel);       // truncated pixels
    EXPECT_EQ(decode_error("P5\n0 4\n255\n"), ErrorCode::kInvalidModel);           // zero width
    EXPECT_EQ(decode_error("P2\n1 1\n255\n7\n"), ErrorCode::kInvalidModel);        // ASCII PGM
    EXPECT_EQ(decode_error("P6\n30000 30000\n255\n"), ErrorCode::kLimitExceeded);  // 900 Mpx, before decoding
    EXPECT_EQ(decode_error("BM"), ErrorCode::kInvalidModel);
}

TEST(ImageDecode, RejectsJpegHuffmanTablesThatOverflowStb) {
    // A DHT whose 16 code counts sum to 266 > 256: stb_image 2.27's stbi__build_huffman would write past its
    // 257-entry size table (found by fuzzing with ASan/UBSan), already inside stbi_info.
    std::string jpeg("\xFF\xD8\xFF\xC4\x00\x13\x00", 7);
    std::string counts(16, '\0');
    counts[0] = 11;
    counts[9] = static_cast<char>(255);
    jpeg += counts + std::string(266, '\x01') + "\xFF\xD9";
    std::string msg;
    EXPECT_EQ(decode_error(jpeg, &msg), ErrorCode::kInvalidModel);
    EXPECT_NE(msg.find("Huffman"), std::string::npos) << msg;
}

TEST(ImageDecode, SurvivesMutatedFiles) {
    // Every truncation and a few thousand byte flips of a valid PNG/BMP/JPEG: an error or an image, no crash.
    const std::string dir = tmp_dir();
    save(random_image(9, 7, 3, 1), dir + "/mut.npy");
    for (const char* ext : {"png", "bmp", "jpg", "ppm"}) {
        const std::string path = dir + "/mut." + ext;
        reference({"encode", dir + "/mut.npy", path});
        auto bytes = read_file(path);
        EXPECT_NO_THROW(decode(bytes, path));
        for (std::size_t n = 0; n < bytes.size(); n += std::max<std::size_t>(1, bytes.size() / 64))
            try {
                decode(std::span(bytes.data(), n), path);
            } catch (const Error&) {
            }
        std::mt19937 rng(7);
        for (int trial = 0; trial < 500; ++trial) {
            auto copy = bytes;
            for (int k = 0; k < 3; ++k)
                copy[rng() % copy.size()] = static_cast<std::byte>(rng() & 255);
            try {
                Image im = decode(copy, path);
                EXPECT_EQ(im.pixels.size(), static_cast<std::size_t>(im.width) * im.height * im.channels);
            } catch (const Error& e) {
                EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
            }
        }
    }
}

TEST(ImageConvert, PilRules) {
    // L of pure red = (255*19595 + 0x8000) >> 16 = 76; gray -> RGB replicates; RGBA -> RGB drops alpha.
    Image rgb = make(1, 2, 3, {255, 0, 0, 10, 20, 30});
    // (10*19595 + 20*38470 + 30*7471 + 32768) >> 16 = (195950 + 769400 + 224130 + 32768) >> 16 = 18
    EXPECT_TRUE(same_pixels(convert_channels(rgb, 1), make(1, 2, 1, {76, 18})));
    EXPECT_TRUE(same_pixels(convert_channels(make(1, 1, 1, {9}), 3), make(1, 1, 3, {9, 9, 9})));
    EXPECT_TRUE(same_pixels(convert_channels(make(1, 1, 4, {1, 2, 3, 4}), 3), make(1, 1, 3, {1, 2, 3})));
    EXPECT_TRUE(same_pixels(convert_channels(make(1, 1, 2, {5, 6}), 3), make(1, 1, 3, {5, 5, 5})));
    EXPECT_TRUE(same_pixels(convert_channels(make(1, 1, 3, {1, 2, 3}), 4), make(1, 1, 4, {1, 2, 3, 255})));
    EXPECT_THROW(convert_channels(rgb, 2), Error);
}

TEST(ImageResize, NearestFollowsPilsAccumulatedCoordinate) {
    // 2 -> 7: step 2/7, coordinates 1/7, 3/7, 5/7, 7/7 - ulp, 9/7, ... : PIL truncates the 4th to 0, although
    // floor((3 + 0.5) * 2 / 7) = 1.
    Image row = make(1, 2, 1, {10, 20});
    EXPECT_TRUE(same_pixels(resize(row, 1, 7, Interpolation::kNearest), make(1, 7, 1, {10, 10, 10, 10, 20, 20, 20})));
    // 4 -> 2: coordinates 1 and 3.
    Image four = make(1, 4, 1, {0, 100, 200, 255});
    EXPECT_TRUE(same_pixels(resize(four, 1, 2, Interpolation::kNearest), make(1, 2, 1, {100, 255})));
    // Columns too: 4 rows -> 2 picks rows 1 and 3.
    EXPECT_TRUE(same_pixels(resize(make(4, 1, 1, {0, 100, 200, 255}), 2, 1, Interpolation::kNearest),
                            make(2, 1, 1, {100, 255})));
}

TEST(ImageResize, BilinearAndAreaHandComputed) {
    Image four = make(1, 4, 1, {0, 100, 200, 255});
    // Bilinear 4 -> 2 (antialiased: support 2): output 0 centred at 1 over inputs 0..2 with triangle weights
    // .75 .75 .25 (sum 1.75): 500/7 = 71.4 -> 71; output 1 centred at 3 over inputs 1..3 with .25 .75 .75:
    // (25 + 150 + 191.25) / 1.75 = 209.3 -> 209.
    EXPECT_TRUE(same_pixels(resize(four, 1, 2, Interpolation::kBilinear), make(1, 2, 1, {71, 209})));
    // Area 4 -> 2: means of pairs, 50 and 227.5 (rounded half up in fixed point) -> 228.
    EXPECT_TRUE(same_pixels(resize(four, 1, 2, Interpolation::kArea), make(1, 2, 1, {50, 228})));
    // Same size: unchanged; a constant image stays constant under every filter.
    EXPECT_TRUE(same_pixels(resize(four, 1, 4, Interpolation::kBicubic), four));
    Image flat = make(2, 3, 1, std::vector<uint8_t>(6, 77));
    for (auto f : {Interpolation::kBilinear, Interpolation::kBicubic, Interpolation::kArea})
        EXPECT_TRUE(same_pixels(resize(flat, 5, 4, f), make(5, 4, 1, std::vector<uint8_t>(20, 77))));
    EXPECT_THROW(resize(four, 0, 3, Interpolation::kNearest), Error);
    EXPECT_THROW(resize(four, 30000, 30000, Interpolation::kNearest), Error);  // 900 Mpx: refused, not allocated
    EXPECT_EQ(parse_interpolation("box"), Interpolation::kArea);
    EXPECT_THROW(parse_interpolation("lanczos9"), Error);
}

TEST(ImageResize, MatchesPillowExactly) {
    const std::string dir = tmp_dir();
    const std::vector<std::array<int, 5>> cases = {// in h, in w, channels, out h, out w
                                                   {13, 17, 3, 5, 7}, {5, 7, 3, 13, 17},     {177, 59, 3, 22, 22},
                                                   {2, 2, 1, 7, 7},   {31, 8, 1, 4, 29},     {6, 9, 3, 4, 6},
                                                   {1, 1, 3, 3, 2},   {28, 28, 1, 224, 224}, {50, 3, 3, 50, 12}};
    const char* names[] = {"nearest", "bilinear", "bicubic", "area"};
    int n = 0;
    for (const auto& [ih, iw, c, oh, ow] : cases) {
        Image in = random_image(ih, iw, c, static_cast<uint32_t>(ih * 1000 + iw));
        save(in, dir + "/in.npy");
        for (int f = 0; f < 4; ++f) {
            const std::string out = dir + "/out" + std::to_string(n++) + ".npy";
            reference({"resize", dir + "/in.npy", out, std::to_string(oh), std::to_string(ow), names[f]});
            EXPECT_TRUE(same_pixels(resize(in, oh, ow, parse_interpolation(names[f])), load(out)))
                << names[f] << " " << ih << "x" << iw << "x" << c << " -> " << oh << "x" << ow;
        }
    }
    Image rgb = random_image(11, 5, 3, 3);
    save(rgb, dir + "/rgb.npy");
    reference({"convert", dir + "/rgb.npy", dir + "/l.npy", "L"});
    EXPECT_TRUE(same_pixels(convert_channels(rgb, 1), load(dir + "/l.npy")));
}

TEST(ImageDecode, MatchesPillowOnLosslessFormats) {
    const std::string dir = tmp_dir();
    for (int c : {1, 3, 4}) {
        Image in = random_image(19, 23, c, static_cast<uint32_t>(c));
        save(in, dir + "/px.npy");
        std::vector<std::string> exts = {"png", "bmp"};
        if (c == 1) exts.push_back("pgm");
        if (c == 3) exts.push_back("ppm");
        for (const auto& ext : exts) {
            const std::string path = dir + "/px" + std::to_string(c) + "." + ext;
            reference({"encode", dir + "/px.npy", path});
            Image got = read_image(path);
            // Pillow writes RGBA BMPs as 32-bit; stb reads them back with alpha. Gray BMPs are palettized.
            EXPECT_TRUE(same_pixels(convert_channels(got, c), in)) << path;
        }
    }
}

TEST(ImageCrop, CenterRoundsHalfToEven) {
    // 5x5 -> 2x2: offset (5 - 2) / 2 = 1.5 -> 2 (torchvision: int(round(1.5)) = 2).
    std::vector<uint8_t> px(25);
    for (int i = 0; i < 25; ++i)
        px[static_cast<std::size_t>(i)] = static_cast<uint8_t>(i);
    EXPECT_TRUE(same_pixels(center_crop(make(5, 5, 1, px), 2, 2), make(2, 2, 1, {12, 13, 17, 18})));
    // 4x6 -> 2x3: offsets 1 and 1.5 -> 2.
    std::vector<uint8_t> q(24);
    for (int i = 0; i < 24; ++i)
        q[static_cast<std::size_t>(i)] = static_cast<uint8_t>(i);
    EXPECT_TRUE(same_pixels(center_crop(make(4, 6, 1, q), 2, 3), make(2, 3, 1, {8, 9, 10, 14, 15, 16})));
    EXPECT_THROW(center_crop(make(1, 1, 1, {0}), 2, 2), Error);
}

TEST(ImageNormalize, PresetsAndLayouts) {
    Image im = make(1, 2, 3, {10, 20, 30, 255, 0, 128});
    std::vector<float> out(6);
    pack(im, preset("none"), Layout::kNHWC, DType::kFloat32, out.data());
    EXPECT_EQ(out, (std::vector<float>{10, 20, 30, 255, 0, 128}));
    pack(im, preset("none"), Layout::kNCHW, DType::kFloat32, out.data());
    EXPECT_EQ(out, (std::vector<float>{10, 255, 20, 0, 30, 128}));
    // caffe: BGR, minus [103.939, 116.779, 123.68] (keras.applications.imagenet_utils, mode 'caffe').
    pack(im, preset("caffe"), Layout::kNHWC, DType::kFloat32, out.data());
    EXPECT_FLOAT_EQ(out[0], 30 - 103.939f);
    EXPECT_FLOAT_EQ(out[1], 20 - 116.779f);
    EXPECT_FLOAT_EQ(out[2], 10 - 123.68f);
    EXPECT_FLOAT_EQ(out[3], 128 - 103.939f);
    EXPECT_FLOAT_EQ(out[5], 255 - 123.68f);
    // tf: x / 127.5 - 1.
    pack(im, preset("tf"), Layout::kNHWC, DType::kFloat32, out.data());
    EXPECT_FLOAT_EQ(out[3], 1.f);
    EXPECT_FLOAT_EQ(out[4], -1.f);
    EXPECT_FLOAT_EQ(out[0], 10 / 127.5f - 1);
    // torch: (x / 255 - mean) / std per channel.
    pack(im, preset("torch"), Layout::kNCHW, DType::kFloat32, out.data());
    EXPECT_FLOAT_EQ(out[1], (1.f - 0.485f) / 0.229f);
    EXPECT_FLOAT_EQ(out[2], (20 / 255.f - 0.456f) / 0.224f);
    EXPECT_FLOAT_EQ(out[5], (128 / 255.f - 0.406f) / 0.225f);
    // explicit: scale then one mean/std for all channels
    Normalization n;
    n.scale = 2.f;
    n.mean = {10.f};
    n.std = {4.f};
    pack(im, n, Layout::kNHWC, DType::kFloat32, out.data());
    EXPECT_FLOAT_EQ(out[0], (20.f - 10.f) / 4.f);
    std::vector<uint8_t> raw(6);
    pack(im, preset("none"), Layout::kNHWC, DType::kUInt8, raw.data());
    EXPECT_EQ(raw, im.pixels);
    EXPECT_THROW(pack(im, preset("tf"), Layout::kNHWC, DType::kUInt8, raw.data()), Error);
    n.mean = {1.f, 2.f};
    EXPECT_THROW(pack(im, n, Layout::kNHWC, DType::kFloat32, out.data()), Error);
    EXPECT_THROW(preset("inception"), Error);
}
