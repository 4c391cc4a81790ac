// SPDX-License-Identifier: MIT
// MaxPool / AveragePool: oneDNN (level 2) against the reference kernels (level 0) on random shapes,
// including ceil_mode overhang, dilations, asymmetric pads and auto_pad; plus hand-derived cases.
#include <gtest/gtest.h>

#include "ops/nn_test_helpers.hpp"

using namespace konnx;
using namespace konnx::test;
using graph::Attribute;

namespace {

struct PoolCase {
    Shape x;
    std::vector<int64_t> kernel, strides, pads, dilations;
    int64_t ceil_mode = 0;
    std::string auto_pad;
};

Attrs pool_attrs(const PoolCase& c) {
    Attrs a{{"kernel_shape", Attribute::of_ints(c.kernel)}};
    if (!c.strides.empty()) a.emplace_back("strides", Attribute::of_ints(c.strides));
    if (!c.pads.empty()) a.emplace_back("pads", Attribute::of_ints(c.pads));
    if (!c.dilations.empty()) a.emplace_back("dilations", Attribute::of_ints(c.dilations));
    if (c.ceil_mode) a.emplace_back("ceil_mode", Attribute::of_int(1));
    if (!c.auto_pad.empty()) a.emplace_back("auto_pad", Attribute::of_string(c.auto_pad));
    return a;
}

const std::vector<PoolCase> kCases = {
    {{1, 3, 8, 8}, {2, 2}, {2, 2}},
    {{2, 16, 56, 56}, {3, 3}, {2, 2}, {1, 1, 1, 1}},
    {{1, 4, 9, 11}, {3, 2}, {2, 3}, {1, 0, 2, 1}},
    {{1, 4, 10, 10}, {3, 3}, {2, 2}, {}, {}, 1},  // ceil_mode overhang
    {{1, 4, 11, 10}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {}, 1},
    {{1, 4, 7, 7}, {3, 3}, {1, 1}, {}, {}, 0, "SAME_UPPER"},
    {{1, 4, 8, 9}, {2, 3}, {2, 2}, {}, {}, 0, "SAME_LOWER"},
    {{2, 3, 20}, {4}, {3}, {1, 2}},                               // 1-D
    {{1, 2, 6, 7, 8}, {2, 3, 2}, {2, 1, 2}, {0, 1, 1, 1, 0, 0}},  // 3-D
};

}  // namespace

TEST(MaxPool, OneDnnMatchesReference) {
    std::vector<PoolCase> cases = kCases;
    cases.push_back({{1, 3, 12, 12}, {3, 3}, {1, 1}, {2, 2, 2, 2}, {2, 2}});  // dilations (opset 10+)
    uint32_t seed = 1;
    for (const auto& c : cases) {
        const Tensor x = random_tensor(c.x, ++seed);
        const auto want = run_node_with_constants("MaxPool", {x}, {}, 1, pool_attrs(c), 0);
        const auto got = run_node_with_constants("MaxPool", {x}, {}, 1, pool_attrs(c), 2);
        EXPECT_TRUE(tensors_close(got[0], want[0], 0, 0)) << shape_str(c.x) << " kernel " << shape_str(c.kernel);
    }
}

TEST(AveragePool, OneDnnMatchesReference) {
    uint32_t seed = 100;
    for (const auto& c : kCases)
        for (int64_t include_pad : {0, 1}) {
            const Tensor x = random_tensor(c.x, ++seed);
            Attrs attrs = pool_attrs(c);
            attrs.emplace_back("count_include_pad", Attribute::of_int(include_pad));
            const auto want = run_node_with_constants("AveragePool", {x}, {}, 1, attrs, 0);
            const auto got = run_node_with_constants("AveragePool", {x}, {}, 1, attrs, 2);
            EXPECT_TRUE(tensors_close(got[0], want[0], 1e-5, 1e-6))
                << shape_str(c.x) << " kernel " << shape_str(c.kernel) << " include_pad " << include_pad;
        }
}

TEST(AveragePool, CeilModeNeverCountsTheOverhang) {
    // x = 1..9 (3x3), kernel 2, stride 2, pads 0, ceil_mode: windows {1,2,4,5}, {3,6}, {7,8}, {9}.
    // count_include_pad has no explicit padding to count, so the divisors are 4, 2, 2, 1 either way.
    auto x = Tensor::from_vector<float>({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    auto want = Tensor::from_vector<float>({1, 1, 2, 2}, {3, 4.5f, 7.5f, 9});
    for (int level : {0, 2})
        for (int64_t include_pad : {0, 1}) {
            auto y = run_node_with_constants("AveragePool", {x}, {}, 1,
                                             {{"kernel_shape", Attribute::of_ints({2, 2})},
                                              {"strides", Attribute::of_ints({2, 2})},
                                              {"ceil_mode", Attribute::of_int(1)},
                                              {"count_include_pad", Attribute::of_int(include_pad)}},
                                             level);
            EXPECT_TRUE(tensors_close(y[0], want)) << "level " << level << " include_pad " << include_pad;
        }
}

TEST(MaxPool, IndicesColumnMajor) {
    // 1x1x2x3 input [[1, 6, 3], [4, 2, 5]], kernel 2x2 stride 1: maxima 6 (row 0, col 1) and 6 again.
    // Row-major flat index of (0,1) is 1; column-major (storage_order=1) is 0 + 1*2 = 2.
    auto x = Tensor::from_vector<float>({1, 1, 2, 3}, {1, 6, 3, 4, 2, 5});
    for (int64_t order : {0, 1}) {
        auto y = run_single_node(
            "MaxPool", {x}, 2,
            {{"kernel_shape", Attribute::of_ints({2, 2})}, {"storage_order", Attribute::of_int(order)}});
        EXPECT_TRUE(tensors_close(y[0], Tensor::from_vector<float>({1, 1, 1, 2}, {6, 6})));
        // Second window [[6,3],[2,5]]: max 6 at (0,1) again.
        const int64_t at = order == 0 ? 1 : 2;
        EXPECT_TRUE(tensors_close(y[1], Tensor::from_vector<int64_t>({1, 1, 1, 2}, {at, at})));
    }
}
