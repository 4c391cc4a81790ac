// SPDX-License-Identifier: MIT
// allocate_load_memory: the shared-block allocator behind copied and packed weights. Pieces must be
// 64-byte aligned, never overlap, stay valid after the pieces around them are freed, and free their
// block with the last one (checked under ASan and LeakSanitizer in the sanitizer build).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "core/memory.hpp"

namespace konnx {
namespace {

TEST(LoadMemory, PiecesAreAlignedDisjointAndOutliveTheirNeighbours) {
    std::vector<std::shared_ptr<void>> pieces;
    std::vector<std::size_t> sizes;
    for (std::size_t i = 0; i < 200; ++i) {
        const std::size_t bytes = 1 + (i * 7919) % 300000;  // mixed sizes: several pieces per block
        pieces.push_back(allocate_load_memory(bytes));
        sizes.push_back(bytes);
        ASSERT_EQ(reinterpret_cast<std::uintptr_t>(pieces.back().get()) % 64, 0u) << i;
        std::memset(pieces.back().get(), static_cast<int>(i & 0xff), bytes);
    }
    pieces.push_back(allocate_load_memory(std::size_t{40} << 20));  // larger than half a block: its own
    sizes.push_back(std::size_t{40} << 20);
    std::memset(pieces.back().get(), 0x5a, sizes.back());
    for (std::size_t i = 0; i < pieces.size(); i += 2)
        pieces[i].reset();  // every other piece freed: the rest must keep their blocks and contents
    for (std::size_t i = 1; i + 1 < pieces.size(); i += 2) {
        const auto* p = static_cast<const unsigned char*>(pieces[i].get());
        EXPECT_TRUE(std::all_of(p, p + sizes[i], [&](unsigned char c) { return c == (i & 0xff); })) << i;
    }
}

TEST(LoadMemory, ThreadsGetDisjointPieces) {
    // Kernels are built on several threads at once (runtime::build_all).
    std::vector<std::vector<std::shared_ptr<void>>> got(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) {
                got[t].push_back(allocate_load_memory(4096));
                std::memset(got[t].back().get(), static_cast<int>(t), 4096);
            }
        });
    for (auto& th : threads)
        th.join();
    for (std::size_t t = 0; t < got.size(); ++t)
        for (const auto& piece : got[t]) {
            const auto* p = static_cast<const unsigned char*>(piece.get());
            ASSERT_TRUE(std::all_of(p, p + 4096, [&](unsigned char c) { return c == t; })) << "thread " << t;
        }
}

}  // namespace
}  // namespace konnx
