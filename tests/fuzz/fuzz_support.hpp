// SPDX-License-Identifier: MIT
// Shared by the fuzz targets: a scratch file for readers that take a path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace konnx::fuzz {

/// Writes the input to a per-process scratch file (in /dev/shm when present) with the given suffix and
/// returns its path; the same path is reused by every iteration.
std::string scratch_file(const uint8_t* data, std::size_t size, const std::string& suffix);

}  // namespace konnx::fuzz
