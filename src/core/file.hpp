// SPDX-License-Identifier: MIT
// Whole-file reads and atomic writes with errors that name the path.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace konnx {

/// Reads a regular file; kFileNotFound if missing, kIo if unreadable or a directory.
std::vector<std::byte> read_file(const std::string& path, std::size_t max_bytes = std::size_t{1} << 40);
/// Writes via `<path>.tmp-<pid>` + rename so readers never see a half-written file.
void write_file_atomic(const std::string& path, std::string_view data);

}  // namespace konnx
