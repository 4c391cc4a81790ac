// SPDX-License-Identifier: MIT
// Keras 3 `.keras` zips: lists members and reads them whole, with size limits against zip bombs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace konnx::keras {

class KerasArchive {
public:
    /// Opens a zip on disk (kFileNotFound, kInvalidModel when not a zip).
    static KerasArchive open(const std::string& path);
    KerasArchive(KerasArchive&& other) noexcept;
    KerasArchive(const KerasArchive&) = delete;
    KerasArchive& operator=(const KerasArchive&) = delete;
    ~KerasArchive();

    std::vector<std::string> members() const;
    bool has(const std::string& member) const;
    /// Reads a member; throws kLimitExceeded above `max_bytes` (declared or actual) and kInvalidModel on
    /// CRC or decompression errors.
    std::vector<std::byte> read(const std::string& member, std::size_t max_bytes = std::size_t{8} << 30) const;
    std::string read_text(const std::string& member, std::size_t max_bytes = std::size_t{256} << 20) const;
    /// Streams a member into the file `out` (1 MiB at a time, so a large member never sits in memory);
    /// same limits and checks as read(). Throws kIo when `out` cannot be written.
    void extract(const std::string& member, const std::string& out, std::size_t max_bytes = std::size_t{8} << 30) const;

private:
    KerasArchive() = default;
    void* zip_ = nullptr;  // zip_t*
    std::string path_;
};

}  // namespace konnx::keras
