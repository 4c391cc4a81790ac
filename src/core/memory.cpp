// SPDX-License-Identifier: MIT
#include "core/memory.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "core/error.hpp"
#include "core/shape.hpp"

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

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::shared_ptr<std::byte> allocate_block(std::size_t bytes) {
    bytes = (bytes + kHugePage - 1) / kHugePage * kHugePage;  // aligned_alloc wants a multiple
    void* p = std::aligned_alloc(kHugePage, bytes);
    if (!p) fail(ErrorCode::kLimitExceeded, "out of memory allocating ", bytes, " bytes");
    advise_huge_pages(p, bytes);
    return {static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); }};
}

}  // namespace

std::shared_ptr<void> allocate_load_memory(std::size_t bytes) {
    constexpr std::size_t kAlign = 64, kBlock = std::size_t{32} << 20;
    bytes = (bytes + kAlign - 1) / kAlign * kAlign;
    if (bytes > kBlock / 2) return allocate_block(bytes);  // large: a block of its own
    static std::mutex mutex;
    static std::weak_ptr<std::byte> current;  // weak: the pieces own the blocks
    static std::size_t used = 0;
    std::lock_guard lock(mutex);
    std::shared_ptr<std::byte> block = current.lock();
    if (!block || kBlock - used < bytes) {
        block = allocate_block(kBlock);
        current = block;
        used = 0;
    }
    std::byte* piece = block.get() + used;
    used += bytes;
    // The piece holds its block; when it goes, its whole pages go back to the kernel (nothing reuses them:
    // the block only grows), so a weight dropped after load (a copy that BatchNorm folding replaced) does
    // not stay resident until the rest of its block is freed.
    return std::shared_ptr<void>(piece, [block = std::move(block), bytes](void* p) {
        constexpr std::uintptr_t kPage = 4096;
        const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
        const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kPage - 1);
        if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
    });
}

Tensor empty_load_tensor(DType dtype, Shape shape) {
    const std::size_t bytes = checked_nbytes(checked_numel(shape), dtype);
    std::shared_ptr<void> memory = allocate_load_memory(std::max<std::size_t>(bytes, 1));
    void* data = memory.get();
    return Tensor::wrap(dtype, std::move(shape), std::move(memory), data);
}

}  // namespace konnx
