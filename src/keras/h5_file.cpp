// SPDX-License-Identifier: MIT
// HDF5 reading for Keras files (see h5_file.hpp).
#include "keras/h5_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/error.hpp"
#include "core/shape.hpp"

namespace konnx::keras {
namespace {

constexpr std::size_t kMaxDatasetBytes = std::size_t{4} << 30;  // one Keras weight above 4 GiB is refused

void silence_hdf5() {
    static std::once_flag once;
    std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

/// Closes an HDF5 handle with the right function.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() {
        if (id_ >= 0) closer_(id_);
    }
    hid_t get() const { return id_; }
    bool ok() const { return id_ >= 0; }

private:
    hid_t id_;
    Closer closer_;
};

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : path) {
        if (c == '/') {
            if (!cur.empty()) parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) parts.push_back(cur);
    return parts;
}

std::string norm(const std::string& path) {
    std::string out = "/" + join(split_path(path), "/");
    return out;
}

uint64_t little_endian(const std::byte* p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | std::to_integer<uint64_t>(p[i]);
    return v;
}

/// libhdf5 1.10 walks a global heap collection ("GCOL": variable-length strings such as model_config live
/// there) with `p = begin + need` and loops forever when an object's size makes `need` 0 or wraps it around
/// (found by fuzz_keras_h5). Every collection is walked here first, with the same rules and 8-byte lengths
/// (what h5py writes), and one that would trap the reader is refused.
void check_global_heaps(std::span<const std::byte> bytes, const std::string& label) {
    // Signature and version 1; the 3 reserved bytes after them are not compared, because libhdf5 ignores them
    // (a fuzzed file with a non-zero reserved byte slipped past this check and hung libhdf5).
    static constexpr char kMagic[5] = {'G', 'C', 'O', 'L', 1};
    const std::byte* data = bytes.data();
    const std::size_t n = bytes.size();
    for (std::size_t at = 0; n >= 16 && at <= n - 16; ++at) {
        const void* hit = std::memchr(data + at, 'G', n - 15 - at);
        if (!hit) break;
        at = static_cast<std::size_t>(static_cast<const std::byte*>(hit) - data);
        if (std::memcmp(data + at, kMagic, sizeof kMagic) != 0) continue;
        const uint64_t size = little_endian(data + at + 8, 8);
        if (size < 16 || size > n - at) continue;  // libhdf5 rejects collections that do not fit by itself
        const std::size_t end = at + static_cast<std::size_t>(size);
        std::size_t p = at + 16;
        while (p < end && end - p >= 16) {
            const uint64_t index = little_endian(data + p, 2), object = little_endian(data + p + 8, 8);
            const uint64_t need =
                index > 0 ? (object > UINT64_MAX - 32 ? 0 : 16 + ((object + 7) & ~uint64_t{7})) : object;
            if (need == 0 || need > end - p)
                fail(ErrorCode::kInvalidModel, label, ": corrupt HDF5 global heap at byte ", at, " (object at byte ", p,
                     " has size ", object, ")");
            p += static_cast<std::size_t>(need);
        }
    }
}

/// check_global_heaps over a file on disk, mapped rather than read.
void check_global_heaps(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(ErrorCode::kIo, path, ": cannot open: ", std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
        ::close(fd);
        return;  // libhdf5 reports empty or unreadable files itself
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) fail(ErrorCode::kIo, path, ": cannot map: ", std::strerror(errno));
    try {
        check_global_heaps(std::span(static_cast<const std::byte*>(map), size), path);
    } catch (...) {
        ::munmap(map, size);
        throw;
    }
    ::munmap(map, size);
}

}  // namespace

H5File H5File::open(const std::string& path, const std::string& label) {
    silence_hdf5();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail(ErrorCode::kFileNotFound, path, ": no such file");
    if (std::filesystem::is_directory(path, ec)) fail(ErrorCode::kIo, path, ": is a directory");
    if (H5Fis_hdf5(path.c_str()) <= 0)
        fail(ErrorCode::kInvalidModel, label.empty() ? path : label, ": not an HDF5 file");
    check_global_heaps(path);
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
    H5File f;
    f.label_ = label.empty() ? path : label;
    f.id_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get());
    if (f.id_ < 0) fail(ErrorCode::kInvalidModel, f.label_, ": cannot open as HDF5 (corrupt or truncated)");
    return f;
}

H5File H5File::open_image(std::span<const std::byte> image, const std::string& label) {
    silence_hdf5();
    if (image.size() < 8) fail(ErrorCode::kInvalidModel, label, ": not an HDF5 file (", image.size(), " bytes)");
    check_global_heaps(image, label);
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (H5Pset_fapl_core(fapl.get(), 1 << 20, 0) < 0 ||
        H5Pset_file_image(fapl.get(), const_cast<std::byte*>(image.data()), image.size()) < 0)
        fail(ErrorCode::kInternal, label, ": cannot set up an in-memory HDF5 image");
    H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
    H5File f;
    f.label_ = label;
    f.id_ = H5Fopen("konnx-image.h5", H5F_ACC_RDONLY, fapl.get());
    if (f.id_ < 0) fail(ErrorCode::kInvalidModel, label, ": cannot open as HDF5 (corrupt or truncated)");
    return f;
}

H5File::H5File(H5File&& other) noexcept : id_(other.id_), label_(std::move(other.label_)) { other.id_ = -1; }

H5File& H5File::operator=(H5File&& other) noexcept {
    if (this != &other) {
        if (id_ >= 0) H5Fclose(id_);
        id_ = other.id_;
        label_ = std::move(other.label_);
        other.id_ = -1;
    }
    return *this;
}

H5File::~H5File() {
    if (id_ >= 0) H5Fclose(id_);
}

bool H5File::exists(const std::string& path) const {
    std::string cur;
    for (const auto& part : split_path(path)) {
        cur += "/" + part;
        if (H5Lexists(id_, cur.c_str(), H5P_DEFAULT) <= 0) return false;
        H5L_info_t info;
        if (H5Lget_info(id_, cur.c_str(), &info, H5P_DEFAULT) < 0) return false;
        if (info.type == H5L_TYPE_EXTERNAL)
            fail(ErrorCode::kInvalidModel, label_, ": '", cur, "' is an external link (refused)");
        if (info.type != H5L_TYPE_HARD && info.type != H5L_TYPE_SOFT) return false;
        if (H5Oexists_by_name(id_, cur.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    return true;
}

namespace {
H5I_type_t object_type(hid_t file, const std::string& path) {
    Handle obj(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose);
    if (!obj.ok()) return H5I_BADID;
    return H5Iget_type(obj.get());
}
}  // namespace

bool H5File::is_group(const std::string& path) const {
    return exists(path) && object_type(id_, norm(path)) == H5I_GROUP;
}

bool H5File::is_dataset(const std::string& path) const {
    return exists(path) && object_type(id_, norm(path)) == H5I_DATASET;
}

std::vector<std::string> H5File::children(const std::string& path) const {
    if (!is_group(path)) fail(ErrorCode::kInvalidModel, label_, ": '", norm(path), "' is not a group");
    Handle group(H5Gopen2(id_, norm(path).c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.ok()) fail(ErrorCode::kInvalidModel, label_, ": cannot open group '", norm(path), "'");
    std::vector<std::string> names;
    auto cb = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        auto* out = static_cast<std::vector<std::string>*>(data);
        if (out->size() > 1000000) return -1;
        out->emplace_back(name);
        return 0;
    };
    hsize_t idx = 0;
    if (H5Literate(group.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, cb, &names) < 0)
        fail(ErrorCode::kInvalidModel, label_, ": cannot list group '", norm(path), "'");
    std::sort(names.begin(), names.end());
    return names;
}

bool H5File::has_attr(const std::string& path, const std::string& name) const {
    if (!exists(path)) return false;
    return H5Aexists_by_name(id_, norm(path).c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

namespace {

/// Reads all strings of an attribute; `ok=false` when it is not a string type.
std::vector<std::string> read_string_attr(hid_t attr, const std::string& where, bool& is_string) {
    Handle type(H5Aget_type(attr), H5Tclose);
    Handle space(H5Aget_space(attr), H5Sclose);
    if (!type.ok() || !space.ok()) fail(ErrorCode::kInvalidModel, where, ": unreadable attribute");
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n < 0 || n > 10000000) fail(ErrorCode::kInvalidModel, where, ": bad attribute size");
    const H5T_class_t cls = H5Tget_class(type.get());
    std::vector<std::string> out;
    is_string = cls == H5T_STRING;
    if (!is_string) return out;
    if (H5Tis_variable_str(type.get()) > 0) {
        Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem.get(), H5T_VARIABLE);
        H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
        std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
        if (n > 0 && H5Aread(attr, mem.get(), ptrs.data()) < 0)
            fail(ErrorCode::kInvalidModel, where, ": cannot read string attribute");
        for (char* p : ptrs)
            out.emplace_back(p ? p : "");
        if (n > 0) H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
        return out;
    }
    const std::size_t size = H5Tget_size(type.get());
    if (size == 0 || size > (std::size_t{1} << 30) / std::max<std::size_t>(1, static_cast<std::size_t>(n)))
        fail(ErrorCode::kLimitExceeded, where, ": string attribute too large");
    std::vector<char> buf(size * static_cast<std::size_t>(n) + 1, 0);
    if (n > 0 && H5Aread(attr, type.get(), buf.data()) < 0)
        fail(ErrorCode::kInvalidModel, where, ": cannot read string attribute");
    for (hssize_t i = 0; i < n; ++i) {
        const char* p = buf.data() + static_cast<std::size_t>(i) * size;
        out.emplace_back(p, strnlen(p, size));
    }
    return out;
}

}  // namespace

std::optional<std::string> H5File::attr_string(const std::string& path, const std::string& name) const {
    if (!has_attr(path, name)) return std::nullopt;
    const std::string where = cat(label_, ": attribute '", name, "' of '", norm(path), "'");
    Handle attr(H5Aopen_by_name(id_, norm(path).c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (!attr.ok()) fail(ErrorCode::kInvalidModel, where, ": cannot open");
    bool is_string = false;
    auto values = read_string_attr(attr.get(), where, is_string);
    if (!is_string) fail(ErrorCode::kInvalidModel, where, ": not a string");
    if (values.size() != 1) fail(ErrorCode::kInvalidModel, where, ": expected one string, got ", values.size());
    return values[0];
}

std::vector<std::string> H5File::attr_strings(const std::string& path, const std::string& name) const {
    auto read_one = [&](const std::string& attr_name) {
        const std::string where = cat(label_, ": attribute '", attr_name, "' of '", norm(path), "'");
        Handle attr(H5Aopen_by_name(id_, norm(path).c_str(), attr_name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
        if (!attr.ok()) fail(ErrorCode::kInvalidModel, where, ": cannot open");
        bool is_string = false;
        auto values = read_string_attr(attr.get(), where, is_string);
        if (!is_string) {
            Handle space(H5Aget_space(attr.get()), H5Sclose);
            if (H5Sget_simple_extent_npoints(space.get()) == 0) return std::vector<std::string>{};
            fail(ErrorCode::kInvalidModel, where, ": not a string array");
        }
        return values;
    };
    if (has_attr(path, name)) return read_one(name);
    std::vector<std::string> all;
    for (int chunk = 0; has_attr(path, name + std::to_string(chunk)); ++chunk) {
        auto part = read_one(name + std::to_string(chunk));
        all.insert(all.end(), part.begin(), part.end());
    }
    return all;
}

Shape H5File::dataset_shape(const std::string& path) const {
    if (!is_dataset(path)) fail(ErrorCode::kInvalidModel, label_, ": '", norm(path), "' is not a dataset");
    Handle ds(H5Dopen2(id_, norm(path).c_str(), H5P_DEFAULT), H5Dclose);
    Handle space(H5Dget_space(ds.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > kMaxRank) fail(ErrorCode::kInvalidModel, label_, ": dataset '", norm(path), "': bad rank");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    Shape shape(dims.begin(), dims.end());
    for (auto d : shape)
        if (d < 0 || d > kMaxElements)
            fail(ErrorCode::kLimitExceeded, label_, ": dataset '", norm(path), "' too large");
    return shape;
}

Tensor H5File::read_float(const std::string& path) const {
    const std::string where = cat(label_, ": dataset '", norm(path), "'");
    const Shape shape = dataset_shape(path);
    Handle ds(H5Dopen2(id_, norm(path).c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) fail(ErrorCode::kInvalidModel, where, ": cannot open");
    Handle dcpl(H5Dget_create_plist(ds.get()), H5Pclose);
    if (dcpl.ok()) {
        if (H5Pget_external_count(dcpl.get()) > 0)
            fail(ErrorCode::kInvalidModel, where, ": uses external storage (refused)");
        if (H5Pget_layout(dcpl.get()) == H5D_VIRTUAL)
            fail(ErrorCode::kInvalidModel, where, ": is a virtual dataset (refused)");
    }
    Handle type(H5Dget_type(ds.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        fail(ErrorCode::kUnsupported, where, ": not a numeric dataset (HDF5 type class ", static_cast<int>(cls), ")");
    const int64_t n = checked_numel(shape);
    if (static_cast<std::size_t>(n) > kMaxDatasetBytes / 4)
        fail(ErrorCode::kLimitExceeded, where, ": ", shape_str(shape), " is larger than 4 GiB");
    Tensor t = Tensor::empty(DType::kFloat32, shape);
    if (n > 0 && H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw()) < 0)
        fail(ErrorCode::kInvalidModel, where, ": cannot read (corrupt, truncated or unsupported filter)");
    return t;
}

}  // namespace konnx::keras
