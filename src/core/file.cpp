// SPDX-License-Identifier: MIT
#include "core/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

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
