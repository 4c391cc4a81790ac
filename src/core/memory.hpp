// SPDX-License-Identifier: MIT
// Large-buffer hints for the kernel's memory manager.
#pragma once

#include <cstddef>

namespace konnx {

/// Asks for transparent huge pages on [p, p+bytes) when it is large (>= 4 MiB): a 100 MB weight copy
/// or arena then costs ~50 page faults instead of ~25,000 (Linux "madvise" THP mode; a no-op elsewhere).
void advise_huge_pages(void* p, std::size_t bytes) noexcept;

}  // namespace konnx
