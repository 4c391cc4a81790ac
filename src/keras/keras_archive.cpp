// SPDX-License-Identifier: MIT
// .keras zip reading with libzip (see keras_archive.hpp).
#include "keras/keras_archive.hpp"

#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace konnx::keras {
namespace {
zip_t* as_zip(void* p) { return static_cast<zip_t*>(p); }
constexpr zip_int64_t kMaxMembers = 100000;
constexpr zip_uint64_t kBombCheckBytes = zip_uint64_t{16} << 20;  // smaller members may compress freely
constexpr zip_uint64_t kMaxRatio = 100;
}  // namespace

KerasArchive KerasArchive::open(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail(ErrorCode::kFileNotFound, path, ": no such file");
    if (std::filesystem::is_directory(path, ec)) fail(ErrorCode::kIo, path, ": is a directory");
    int err = 0;
    // ZIP_CHECKCONS: every local header must match the central directory (a damaged signature or header is
    // an error here, not data read from the wrong place).
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!z) {
        zip_error_t e;
        zip_error_init_with_code(&e, err);
        std::string msg = zip_error_strerror(&e);
        zip_error_fini(&e);
        fail(err == ZIP_ER_OPEN || err == ZIP_ER_READ ? ErrorCode::kIo : ErrorCode::kInvalidModel, path,
             ": not a readable .keras zip (", msg, ")");
    }
    if (zip_get_num_entries(z, 0) > kMaxMembers) {
        zip_discard(z);
        fail(ErrorCode::kLimitExceeded, path, ": too many zip members");
    }
    KerasArchive a;
    a.zip_ = z;
    a.path_ = path;
    return a;
}

KerasArchive::KerasArchive(KerasArchive&& other) noexcept : zip_(other.zip_), path_(std::move(other.path_)) {
    other.zip_ = nullptr;
}

KerasArchive::~KerasArchive() {
    if (zip_) zip_discard(as_zip(zip_));
}

std::vector<std::string> KerasArchive::members() const {
    std::vector<std::string> out;
    const zip_int64_t n = zip_get_num_entries(as_zip(zip_), 0);
    for (zip_int64_t i = 0; i < n; ++i) {
        const char* name = zip_get_name(as_zip(zip_), static_cast<zip_uint64_t>(i), 0);
        if (name) out.emplace_back(name);
    }
    return out;
}

bool KerasArchive::has(const std::string& member) const {
    return zip_name_locate(as_zip(zip_), member.c_str(), 0) >= 0;
}

namespace {

/// Opens `member` after the size and zip-bomb checks; the caller reads it with zip_fread and closes it.
zip_file_t* open_member(void* zip, const std::string& member, std::size_t max_bytes, const std::string& where,
                        zip_uint64_t* size) {
    const zip_int64_t idx = zip_name_locate(as_zip(zip), member.c_str(), 0);
    if (idx < 0) fail(ErrorCode::kInvalidModel, where, " is missing");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(as_zip(zip), static_cast<zip_uint64_t>(idx), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        fail(ErrorCode::kInvalidModel, where, ": cannot stat");
    if (st.size > max_bytes)
        fail(ErrorCode::kLimitExceeded, where, ": declared size ", st.size, " exceeds the limit ", max_bytes);
    // Keras writes members stored (uncompressed) and real weights deflate by ~1.1x, while deflate reaches
    // ~1000x on filler: a large member inflating more than 100x is refused before it is inflated.
    if ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size > 0 && st.size > kBombCheckBytes &&
        st.size / st.comp_size > kMaxRatio)
        fail(ErrorCode::kLimitExceeded, where, ": inflates from ", st.comp_size, " to ", st.size,
             " bytes, a ratio above ", kMaxRatio, " (zip bomb?)");
    zip_file_t* f = zip_fopen_index(as_zip(zip), static_cast<zip_uint64_t>(idx), 0);
    if (!f) fail(ErrorCode::kInvalidModel, where, ": cannot open (", zip_strerror(as_zip(zip)), ")");
    *size = st.size;
    return f;
}

/// Reads the whole member in chunks of at most `chunk` bytes, each into `buf` (or, with `advance`, into
/// `buf + bytes read so far`) and then handed to `sink(bytes, n)`; checks that exactly `size` bytes came and
/// the CRC held.
template <class Sink>
void read_member(zip_file_t* f, zip_uint64_t size, std::byte* buf, std::size_t chunk, bool advance,
                 const std::string& where, Sink&& sink) {
    zip_uint64_t got = 0;
    while (got < size) {
        std::byte* dest = advance ? buf + got : buf;
        const zip_int64_t r = zip_fread(f, dest, std::min<zip_uint64_t>(chunk, size - got));
        if (r < 0) {
            std::string msg = zip_file_strerror(f);
            zip_fclose(f);
            fail(ErrorCode::kInvalidModel, where, ": read error (", msg, ")");
        }
        if (r == 0) break;
        sink(dest, static_cast<std::size_t>(r));
        got += static_cast<zip_uint64_t>(r);
    }
    std::byte extra;
    const zip_int64_t more = zip_fread(f, &extra, 1);
    const int close_rc = zip_fclose(f);
    if (got != size || more != 0 || close_rc != 0)
        fail(ErrorCode::kInvalidModel, where, ": size or CRC mismatch (corrupt zip)");
}

}  // namespace

std::vector<std::byte> KerasArchive::read(const std::string& member, std::size_t max_bytes) const {
    const std::string where = cat(path_, ": member '", member, "'");
    zip_uint64_t size = 0;
    zip_file_t* f = open_member(zip_, member, max_bytes, where, &size);
    std::vector<std::byte> data(static_cast<std::size_t>(size));
    read_member(f, size, data.data(), data.size(), true, where, [](std::byte*, std::size_t) {});
    return data;
}

void KerasArchive::extract(const std::string& member, const std::string& out, std::size_t max_bytes) const {
    const std::string where = cat(path_, ": member '", member, "'");
    zip_uint64_t size = 0;
    zip_file_t* f = open_member(zip_, member, max_bytes, where, &size);
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    if (!file) {
        zip_fclose(f);
        fail(ErrorCode::kIo, out, ": cannot write (extracting ", where, ")");
    }
    std::vector<std::byte> buf(std::size_t{1} << 20);
    read_member(f, size, buf.data(), buf.size(), false, where, [&](std::byte* p, std::size_t n) {
        file.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n));
    });
    file.close();
    if (!file) fail(ErrorCode::kIo, out, ": write failed (extracting ", where, ")");
}

std::string KerasArchive::read_text(const std::string& member, std::size_t max_bytes) const {
    auto bytes = read(member, max_bytes);
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace konnx::keras
