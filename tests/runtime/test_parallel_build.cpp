// SPDX-License-Identifier: MIT
// runtime::build_all, which builds a plan's kernels on several threads: every index once, and on
// failure the lowest failing index (the error a sequential build reports), whatever the timing.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "runtime/plan.hpp"

using namespace konnx;

TEST(ParallelBuild, BuildsEveryIndexExactlyOnce) {
    for (int threads : {1, 2, 4}) {
        std::vector<std::atomic<int>> built(100);
        const auto failed = runtime::build_all(built.size(), threads, 1, [&](std::size_t i) { ++built[i]; });
        EXPECT_FALSE(failed.has_value());
        for (std::size_t i = 0; i < built.size(); ++i)
            EXPECT_EQ(built[i].load(), 1) << "index " << i << ", " << threads << " threads";
    }
}

TEST(ParallelBuild, ReportsTheLowestFailingIndexLikeASequentialLoop) {
    for (int round = 0; round < 20; ++round) {
        std::vector<std::atomic<int>> built(40);
        const auto failed = runtime::build_all(built.size(), 2, 1, [&](std::size_t i) {
            // The later failure is quick and the earlier one slow, so a helper often fails first.
            if (i == 9) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                fail(ErrorCode::kUnsupported, "index 9");
            }
            if (i == 10) fail(ErrorCode::kInvalidModel, "index 10");
            ++built[i];
        });
        ASSERT_TRUE(failed.has_value());
        EXPECT_EQ(failed->step, 9u);
        try {
            std::rethrow_exception(failed->error);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
        }
        for (std::size_t i = 0; i < 9; ++i)
            EXPECT_EQ(built[i].load(), 1) << "index " << i << " comes before the failure: it must be built";
    }
}
