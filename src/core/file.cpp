// SPDX-License-Identifier: MIT
#include "core/file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>

#include "core/error.hpp"

namespace konnx {

std::vector<std::byte> read_file(const std::string& path, std::size_t max_bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) fail(ErrorCode::kFileNotFound, "file not found: ", path);
        fail(ErrorCode::kIo, "cannot read ", path, ": ", std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) fail(ErrorCode::kIo, "cannot read ", path, ": is a directory");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(ErrorCode::kIo, "cannot open ", path, ": ", std::strerror(errno));
    if (static_cast<std::size_t>(st.st_size) > max_bytes) {
        ::close(fd);
        fail(ErrorCode::kLimitExceeded, path, " is larger than the limit of ", max_bytes, " bytes");
    }
    std::vector<std::byte> data(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            fail(ErrorCode::kIo, "cannot read ", path, ": ", n < 0 ? std::strerror(errno) : "unexpected end of file");
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return data;
}

namespace {
// Live mappings, so memory known only by address (a Tensor's data) can be released.
std::mutex g_mappings_mutex;
std::set<const MappedFile*> g_mappings;
}  // namespace

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path, std::size_t max_bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) fail(ErrorCode::kFileNotFound, "file not found: ", path);
        fail(ErrorCode::kIo, "cannot read ", path, ": ", std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) fail(ErrorCode::kIo, "cannot read ", path, ": is a directory");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(ErrorCode::kIo, "cannot open ", path, ": ", std::strerror(errno));
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        fail(ErrorCode::kIo, "cannot read ", path, ": not a regular file");
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size > max_bytes) {
        ::close(fd);
        fail(ErrorCode::kLimitExceeded, path, " is larger than the limit of ", max_bytes, " bytes");
    }
    std::shared_ptr<MappedFile> file(new MappedFile());
    file->path_ = path;
    file->size_ = size;
    if (size > 0) {
        // Read-only on purpose: initializers are shared, never edited in place (passes write new
        // tensors), and a stray write must fault loudly rather than be undone by release().
        void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            fail(ErrorCode::kIo, "cannot map ", path, ": ", std::strerror(err));
        }
        file->data_ = static_cast<std::byte*>(p);
    }
    ::close(fd);  // the mapping keeps the file open
    std::lock_guard lock(g_mappings_mutex);
    g_mappings.insert(file.get());
    return file;
}

MappedFile::~MappedFile() {
    {
        std::lock_guard lock(g_mappings_mutex);
        g_mappings.erase(this);
    }
    if (data_) ::munmap(data_, size_);
}

void MappedFile::release_if_mapped(const void* p, std::size_t n) {
    std::lock_guard lock(g_mappings_mutex);
    for (const MappedFile* file : g_mappings)
        if (file->contains(p, n)) file->release(p, n);
}

bool MappedFile::contains(const void* p, std::size_t n) const {
    const auto* b = static_cast<const std::byte*>(p);
    return data_ && b >= data_ && n <= size_ && static_cast<std::size_t>(b - data_) <= size_ - n;
}

void MappedFile::release(const void* p, std::size_t n) const {
    if (!contains(p, n) || n == 0) return;
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + page - 1) / page * page;
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + n) / page * page;
    // The mapping is read-only, so MADV_DONTNEED loses nothing: the pages return to the page cache.
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

void write_file_atomic(const std::string& path, std::string_view data) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(ErrorCode::kCannotCreate, "cannot create ", path, ": ", std::strerror(errno));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            fail(ErrorCode::kIo, "cannot write ", path, ": ", std::strerror(err));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        fail(ErrorCode::kIo, "cannot write ", path, ": ", std::strerror(errno));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        fail(ErrorCode::kCannotCreate, "cannot create ", path, ": ", std::strerror(err));
    }
}

}  // namespace konnx
