// SPDX-License-Identifier: MIT
#include "core/memory.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace konnx {

void advise_huge_pages(void* p, std::size_t bytes) noexcept {
    constexpr std::size_t kMinBytes = std::size_t{4} << 20;
    constexpr std::uintptr_t kPage = 4096;
    if (!p || bytes < kMinBytes) return;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kPage - 1);
#ifdef MADV_HUGEPAGE
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice only
#endif
}

}  // namespace konnx
