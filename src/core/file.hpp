// SPDX-License-Identifier: MIT
// Whole-file reads and atomic writes with errors that name the path.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace konnx {

/// Reads a regular file; kFileNotFound if missing, kIo if unreadable or a directory.
std::vector<std::byte> read_file(const std::string& path, std::size_t max_bytes = std::size_t{1} << 40);
/// A read-only view of a whole file through mmap (PROT_READ: pages come from the page cache and are
/// never copied; writing through a view faults). Tensors wrap sub-ranges and hold the mapping alive through a
/// shared_ptr, so weights are used in place: no read() copy, no parser copy.
class MappedFile {
public:
    /// kFileNotFound if missing, kIo if unreadable or a directory, kLimitExceeded over `max_bytes`.
    static std::shared_ptr<MappedFile> open(const std::string& path, std::size_t max_bytes = std::size_t{1} << 40);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::byte> bytes() const { return {data_, size_}; }
    const std::string& path() const { return path_; }
    bool contains(const void* p, std::size_t n) const;
    /// Drops this process's resident pages fully inside [p, p+n) (they stay valid: touching them again
    /// reads them back from the page cache). Lowers peak memory once weights have been repacked.
    void release(const void* p, std::size_t n) const;
    /// release() on whichever live mapping holds [p, p+n); a no-op for other memory.
    static void release_if_mapped(const void* p, std::size_t n);

private:
    MappedFile() = default;
    std::byte* data_ = nullptr;
    std::size_t size_ = 0;
    std::string path_;
};

/// Writes via `<path>.tmp-<pid>` + rename so readers never see a half-written file.
void write_file_atomic(const std::string& path, std::string_view data);

}  // namespace konnx
