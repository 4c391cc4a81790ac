// SPDX-License-Identifier: MIT
// Image decoding through Debian's libstb (stb_image 2.27; the library provides the implementation, so
// STB_IMAGE_IMPLEMENTATION is not defined here). stb_image is not hardened against hostile files, so the
// format is chosen here from the magic bytes (never stb's TGA/PSD/... guessers) and the header's size is
// checked against DecodeLimits before any pixel is decoded.
#include <stb_image.h>

#include <cctype>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>

#include "core/error.hpp"
#include "core/file.hpp"
#include "image/image.hpp"

namespace konnx::image {

namespace {

bool starts_with(std::span<const std::byte> bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

/// "PNG", "JPEG", ... or fails with a message naming the file.
const char* sniff_format(std::span<const std::byte> bytes, const std::string& name) {
    if (bytes.empty()) fail(ErrorCode::kInvalidModel, name, ": empty file (0 bytes), not an image");
    if (starts_with(bytes, "\x89PNG\r\n\x1a\n")) return "PNG";
    if (starts_with(bytes, "\xFF\xD8\xFF")) return "JPEG";
    if (starts_with(bytes, "BM")) return "BMP";
    if (starts_with(bytes, "P5")) return "PGM";
    if (starts_with(bytes, "P6")) return "PPM";
    if (starts_with(bytes, "P1") || starts_with(bytes, "P2") || starts_with(bytes, "P3") || starts_with(bytes, "P4"))
        fail(ErrorCode::kInvalidModel, name, ": ASCII or 1-bit PNM is not supported (use binary P5/P6)");
    fail(ErrorCode::kInvalidModel, name, ": not a supported image (expected BMP, PNG, JPEG, PPM or PGM)");
}

uint32_t le32(std::span<const std::byte> b, std::size_t at) {
    uint32_t v = 0;
    for (int k = 3; k >= 0; --k)
        v = (v << 8) | std::to_integer<uint32_t>(b[at + static_cast<std::size_t>(k)]);
    return v;
}

/// Walks the JPEG marker segments (entropy-coded data skipped, as a decoder does) and rejects what
/// stb_image 2.27 mishandles: a Huffman table (DHT) whose 16 code counts sum to more than 256 makes
/// stbi__build_huffman write past its tables (fixed upstream in 2.28, still in Debian 12's libstb). A file
/// without an end-of-image marker after its scan data is reported as truncated (stb pads it with zeros).
void check_jpeg(std::span<const std::byte> bytes, const std::string& name) {
    auto at = [&](std::size_t i) { return std::to_integer<unsigned>(bytes[i]); };
    auto corrupt = [&](const char* why) { fail(ErrorCode::kInvalidModel, name, ": corrupt JPEG (", why, ")"); };
    const std::size_t n = bytes.size();
    // Belt and braces: every FF C4 anywhere (as stb might find one after skipping padding) must start a sane
    // DHT; bytes past the end read as 0, as in stb.
    auto byte_or_0 = [&](std::size_t i) { return i < n ? at(i) : 0u; };
    for (std::size_t i = 0; i + 1 < n; ++i) {
        if (at(i) != 0xFF || at(i + 1) != 0xC4) continue;
        std::size_t p = i + 4;
        const std::size_t end = i + 2 + ((byte_or_0(i + 2) << 8) | byte_or_0(i + 3));
        while (p < end) {
            unsigned symbols = 0;
            for (std::size_t k = 1; k <= 16; ++k)
                symbols += byte_or_0(p + k);
            if (symbols > 256) corrupt("bad Huffman table");
            p += 17 + symbols;
        }
    }
    std::size_t pos = 2;  // after SOI
    bool seen_scan = false;
    while (true) {
        if (pos >= n) fail(ErrorCode::kInvalidModel, name, ": truncated JPEG file");
        if (at(pos) != 0xFF) {
            if (!seen_scan) corrupt("expected a marker");
            ++pos;  // entropy-coded data: find the next marker (FF followed by neither 00 nor RSTn)
            continue;
        }
        while (pos < n && at(pos) == 0xFF)
            ++pos;  // fill bytes
        if (pos >= n) fail(ErrorCode::kInvalidModel, name, ": truncated JPEG file");
        const unsigned marker = at(pos++);
        if (marker == 0xD9) return;  // EOI
        if (marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xD8) {
            if (marker == 0xD8) corrupt("second start-of-image marker");
            continue;  // stuffed byte / restart marker inside scan data / TEM
        }
        if (pos + 2 > n) fail(ErrorCode::kInvalidModel, name, ": truncated JPEG file");
        const std::size_t length = (at(pos) << 8) | at(pos + 1);
        if (length < 2) corrupt("bad segment length");
        if (pos + length > n) fail(ErrorCode::kInvalidModel, name, ": truncated JPEG file");
        if (marker == 0xC4) {  // DHT: tables of (class/id, 16 counts, sum(counts) symbols)
            std::size_t p = pos + 2;
            const std::size_t end = pos + length;
            while (p < end) {
                if (p + 17 > end) corrupt("bad Huffman table");
                unsigned symbols = 0;
                for (std::size_t i = 1; i <= 16; ++i)
                    symbols += at(p + i);
                if ((at(p) >> 4) > 1 || (at(p) & 15) > 3 || symbols > 256 || p + 17 + symbols > end)
                    corrupt("bad Huffman table");
                p += 17 + symbols;
            }
        }
        if (marker == 0xDA) seen_scan = true;
        pos += length;
    }
}

/// stb_image pads truncated BMP/PNM pixel data and JPEG scans instead of failing, so the expected data size
/// (or the JPEG end marker) is checked here first. stb also decodes a PNG whose IEND chunk is cut off, so
/// the chunk list is walked here up to a complete IEND (stb checks the chunks' contents and zlib data).
void check_complete(std::span<const std::byte> bytes, const std::string& name, std::string_view format) {
    auto truncated = [&] { fail(ErrorCode::kInvalidModel, name, ": truncated ", format, " file"); };
    if (format == "BMP") {
        if (bytes.size() < 34) truncated();
        const uint32_t offset = le32(bytes, 10);
        const auto width = static_cast<int32_t>(le32(bytes, 18)), height = static_cast<int32_t>(le32(bytes, 22));
        const int bpp = std::to_integer<int>(bytes[28]) | (std::to_integer<int>(bytes[29]) << 8);
        const uint32_t compression = le32(bytes, 30);
        if (width <= 0 || height == 0 || height == INT32_MIN || bpp <= 0 || bpp > 32)
            fail(ErrorCode::kInvalidModel, name, ": BMP header gives an empty or invalid image (", width, "x", height,
                 ", ", bpp, " bits)");
        if (compression == 0 || compression == 3) {  // BI_RGB / BI_BITFIELDS: rows padded to 4 bytes
            const uint64_t stride = (static_cast<uint64_t>(width) * static_cast<uint64_t>(bpp) + 31) / 32 * 4;
            const uint64_t rows = static_cast<uint64_t>(height < 0 ? -static_cast<int64_t>(height) : height);
            if (static_cast<uint64_t>(offset) + stride * rows > bytes.size()) truncated();
        }
    } else if (format == "PNG") {
        std::size_t pos = 8;  // after the signature: chunks of length (big-endian), type, data, CRC
        for (;;) {
            if (bytes.size() - pos < 12) truncated();
            uint32_t length = 0;
            for (int i = 0; i < 4; ++i)
                length = (length << 8) | std::to_integer<uint32_t>(bytes[pos + static_cast<std::size_t>(i)]);
            const bool iend = std::memcmp(bytes.data() + pos + 4, "IEND", 4) == 0;
            if (length > bytes.size() - pos - 12) truncated();
            pos += 12 + length;
            if (iend) break;
        }
    } else if (format == "PGM" || format == "PPM") {
        // "P5" / "P6", then width, height, maxval separated by whitespace (and # comments), one whitespace, data.
        std::size_t pos = 2;
        uint64_t fields[3] = {0, 0, 0};
        for (auto& field : fields) {
            while (pos < bytes.size()) {
                const char c = static_cast<char>(bytes[pos]);
                if (c == '#') {
                    while (pos < bytes.size() && static_cast<char>(bytes[pos]) != '\n')
                        ++pos;
                } else if (std::isspace(static_cast<unsigned char>(c))) {
                    ++pos;
                } else {
                    break;
                }
            }
            std::size_t digits = 0;
            while (pos < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[pos])) && digits < 10) {
                field = field * 10 + static_cast<uint64_t>(static_cast<char>(bytes[pos]) - '0');
                ++pos;
                ++digits;
            }
            if (digits == 0) fail(ErrorCode::kInvalidModel, name, ": corrupt ", format, " header");
        }
        ++pos;  // the single whitespace before the data
        if (fields[0] == 0 || fields[1] == 0)
            fail(ErrorCode::kInvalidModel, name, ": ", format, " header gives an empty image (", fields[0], "x",
                 fields[1], ")");
        if (fields[2] == 0 || fields[2] > 65535)
            fail(ErrorCode::kInvalidModel, name, ": ", format, " maximum value ", fields[2], " is out of range");
        const uint64_t need = fields[0] * fields[1] * (format == "PPM" ? 3 : 1) * (fields[2] > 255 ? 2 : 1);
        if (fields[0] <= (1u << 20) && fields[1] <= (1u << 20) && pos + need > bytes.size()) truncated();
    }
}

std::string stb_reason() {
    const char* reason = stbi_failure_reason();
    return reason ? reason : "unknown error";
}

}  // namespace

Image Image::blank(int height, int width, int channels) {
    KONNX_ASSERT(height >= 0 && width >= 0 && channels >= 1 && channels <= 4);
    Image image;
    image.height = height;
    image.width = width;
    image.channels = channels;
    image.pixels.assign(static_cast<std::size_t>(height) * static_cast<std::size_t>(width) * channels, 0);
    return image;
}

Image decode(std::span<const std::byte> bytes, const std::string& name, const DecodeLimits& limits) {
    const char* format = sniff_format(bytes, name);
    if (bytes.size() > limits.max_file_bytes || bytes.size() > static_cast<std::size_t>(INT_MAX))
        fail(ErrorCode::kLimitExceeded, name, ": image file of ", bytes.size(), " bytes exceeds the limit of ",
             limits.max_file_bytes);
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int size = static_cast<int>(bytes.size());
    // stb_image parses JPEG Huffman tables even for stbi_info, so JPEGs are checked before stb sees them.
    if (std::string_view(format) == "JPEG") check_jpeg(bytes, name);
    int width = 0, height = 0, channels = 0;
    if (!stbi_info_from_memory(data, size, &width, &height, &channels))
        fail(ErrorCode::kInvalidModel, name, ": corrupt or unsupported ", format, " header (", stb_reason(), ")");
    if (width <= 0 || height <= 0)
        fail(ErrorCode::kInvalidModel, name, ": ", format, " header gives an empty image (", width, "x", height, ")");
    if (channels < 1 || channels > 4)
        fail(ErrorCode::kInvalidModel, name, ": ", format, " with ", channels, " channels is not supported");
    if (width > limits.max_side || height > limits.max_side || static_cast<int64_t>(width) * height > limits.max_pixels)
        fail(ErrorCode::kLimitExceeded, name, ": ", format, " image of ", width, "x", height,
             " pixels exceeds the limit (", limits.max_side, " per side, ", limits.max_pixels, " pixels)");
    check_complete(bytes, name, format);

    int w = 0, h = 0, c = 0;
    std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load_from_memory(data, size, &w, &h, &c, 0), stbi_image_free);
    if (!pixels) fail(ErrorCode::kInvalidModel, name, ": corrupt ", format, " data (", stb_reason(), ")");
    if (w != width || h != height || c != channels)
        fail(ErrorCode::kInvalidModel, name, ": inconsistent ", format, " header (", width, "x", height, "x", channels,
             ") and data (", w, "x", h, "x", c, ")");
    Image image;
    image.width = w;
    image.height = h;
    image.channels = c;
    image.pixels.assign(pixels.get(), pixels.get() + static_cast<std::size_t>(w) * h * c);
    return image;
}

Image read_image(const std::string& path, const DecodeLimits& limits) {
    const auto bytes = read_file(path, limits.max_file_bytes);
    return decode(bytes, path, limits);
}

}  // namespace konnx::image
