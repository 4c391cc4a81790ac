// SPDX-License-Identifier: MIT
// Conv / ConvTranspose: the oneDNN kernels (optimization level 2, weights constant or fed at run time)
// against the reference kernels (level 0) on random shapes: strides, pads, auto_pad, dilations, groups,
// depthwise, 1-D/2-D/3-D, with and without bias; plus hand-derived cases and attribute errors.
#include <gtest/gtest.h>

#include <thread>

#include "ops/nn_test_helpers.hpp"

using namespace konnx;
using namespace konnx::test;
using graph::Attribute;

namespace {

struct ConvCase {
    Shape x, w;
    int64_t group = 1;
    std::vector<int64_t> strides, pads, dilations, output_padding;
    std::string auto_pad;
    bool bias = true;
};

Attrs conv_attrs(const ConvCase& c) {
    Attrs a;
    if (c.group != 1) a.emplace_back("group", Attribute::of_int(c.group));
    if (!c.strides.empty()) a.emplace_back("strides", Attribute::of_ints(c.strides));
    if (!c.pads.empty()) a.emplace_back("pads", Attribute::of_ints(c.pads));
    if (!c.dilations.empty()) a.emplace_back("dilations", Attribute::of_ints(c.dilations));
    if (!c.output_padding.empty()) a.emplace_back("output_padding", Attribute::of_ints(c.output_padding));
    if (!c.auto_pad.empty()) a.emplace_back("auto_pad", Attribute::of_string(c.auto_pad));
    return a;
}

void check_optimized_matches_reference(const std::string& op, const ConvCase& c, uint32_t seed) {
    const int64_t out_channels = op == "Conv" ? c.w[0] : c.w[1] * c.group;
    std::vector<Tensor> inputs{random_tensor(c.x, seed), random_tensor(c.w, seed + 1)};
    if (c.bias) inputs.push_back(random_tensor({out_channels}, seed + 2));
    const auto want = run_node_with_constants(op, inputs, {}, 1, conv_attrs(c), 0);
    const auto constant_weights = run_node_with_constants(op, inputs, {1, 2}, 1, conv_attrs(c), 2);
    const auto runtime_weights = run_node_with_constants(op, inputs, {}, 1, conv_attrs(c), 2);
    EXPECT_TRUE(tensors_close(constant_weights[0], want[0], 1e-4, 1e-4)) << op << " x" << shape_str(c.x);
    EXPECT_TRUE(tensors_close(runtime_weights[0], want[0], 1e-4, 1e-4)) << op << " x" << shape_str(c.x);
}

}  // namespace

TEST(Conv, OneDnnMatchesReference) {
    const std::vector<ConvCase> cases = {
        {{1, 3, 9, 9}, {4, 3, 3, 3}},
        {{2, 8, 12, 10}, {16, 8, 3, 3}, 1, {2, 2}, {1, 1, 1, 1}},
        {{1, 16, 11, 11}, {32, 16, 1, 1}},
        {{1, 16, 14, 14}, {16, 1, 3, 3}, 16, {1, 1}, {1, 1, 1, 1}},          // depthwise
        {{1, 16, 14, 14}, {32, 1, 3, 3}, 16, {2, 2}, {0, 1, 2, 0}},          // depthwise, multiplier 2
        {{1, 12, 10, 10}, {12, 4, 3, 3}, 3, {1, 1}, {2, 2, 2, 2}, {2, 2}},   // groups + dilation
        {{1, 4, 13, 7}, {6, 4, 5, 3}, 1, {3, 2}, {}, {}, {}, "SAME_UPPER"},  // auto_pad
        {{1, 4, 13, 7}, {6, 4, 4, 2}, 1, {2, 1}, {}, {}, {}, "SAME_LOWER", false},
        {{1, 4, 13, 7}, {6, 4, 3, 3}, 1, {2, 2}, {}, {}, {}, "VALID"},
        {{2, 5, 17}, {7, 5, 3}, 1, {2}, {1, 2}, {2}},                          // 1-D
        {{1, 4, 6, 7, 5}, {8, 4, 3, 2, 3}, 1, {1, 2, 1}, {1, 0, 1, 1, 1, 0}},  // 3-D
        {{1, 64, 28, 28}, {64, 64, 3, 3}, 1, {1, 1}, {1, 1, 1, 1}, {}, {}, "", false},
    };
    uint32_t seed = 1;
    for (const auto& c : cases)
        check_optimized_matches_reference("Conv", c, seed += 10);
}

TEST(ConvTranspose, OneDnnMatchesReference) {
    const std::vector<ConvCase> cases = {
        {{1, 3, 5, 5}, {3, 4, 3, 3}},
        {{2, 8, 6, 7}, {8, 4, 3, 3}, 1, {2, 2}, {1, 1, 1, 1}, {}, {1, 1}},  // output_padding
        {{1, 8, 5, 5}, {8, 2, 4, 4}, 2, {2, 2}, {1, 1, 1, 1}},              // groups
        {{1, 4, 5, 6}, {4, 3, 3, 3}, 1, {1, 1}, {0, 0, 0, 0}, {2, 2}},      // dilation
        {{1, 4, 5, 6}, {4, 3, 3, 3}, 1, {2, 2}, {}, {}, {}, "SAME_UPPER", false},
        {{1, 3, 9}, {3, 5, 4}, 1, {3}, {1, 2}},                                // 1-D
        {{1, 2, 3, 4, 3}, {2, 3, 2, 3, 2}, 1, {2, 1, 2}, {0, 1, 0, 0, 0, 1}},  // 3-D
    };
    uint32_t seed = 100;
    for (const auto& c : cases)
        check_optimized_matches_reference("ConvTranspose", c, seed += 10);
}

TEST(Conv, HandDerivedAsymmetricPads) {
    // x = 1..9 as 3x3, w = 2x2 of ones, pads (top 1, left 0, bottom 0, right 1), stride 1:
    // rows -1..2 x cols 0..3 window sums: [[1+2, 2+3, 3], [1+2+4+5, 2+3+5+6, 3+6], [4+5+7+8, 5+6+8+9, 6+9]]
    auto x = Tensor::from_vector<float>({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    auto w = Tensor::from_vector<float>({1, 1, 2, 2}, {1, 1, 1, 1});
    auto want = Tensor::from_vector<float>({1, 1, 3, 3}, {3, 5, 3, 12, 16, 9, 24, 28, 15});
    for (int level : {0, 2}) {
        auto y = run_node_with_constants("Conv", {x, w}, {1}, 1, {{"pads", Attribute::of_ints({1, 0, 0, 1})}}, level);
        EXPECT_TRUE(tensors_close(y[0], want)) << "level " << level;
    }
}

TEST(Conv, ConcurrentRunsShareOnePlan) {
    auto w = random_tensor({32, 16, 3, 3}, 7);
    graph::Model model = single_node_model("Conv", {random_tensor({1, 16, 20, 20}, 1), w}, 1,
                                           {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
    model.graph.initializers["x1"] = w;
    std::erase_if(model.graph.inputs, [](const graph::ValueInfo& v) { return v.name == "x1"; });
    Session session = session_from_model(model);
    std::vector<Tensor> xs, want;
    for (uint32_t i = 0; i < 4; ++i) {
        xs.push_back(random_tensor({1, 16, 20, 20}, 50 + i));
        want.push_back(session.run({{"x0", xs.back()}})[0]);
    }
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int rep = 0; rep < 10; ++rep) {
                const auto i = static_cast<std::size_t>((t + rep) % 4);
                if (!tensors_close(session.run({{"x0", xs[i]}})[0], want[i], 0, 0)) ++mismatches;
            }
        });
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(Conv, RejectsBadAttributes) {
    auto x = Tensor::zeros(DType::kFloat32, {1, 4, 5, 5});
    auto w = Tensor::zeros(DType::kFloat32, {4, 4, 3, 3});
    auto expect_invalid = [&](const Tensor& wt, Attrs attrs) {
        try {
            run_single_node("Conv", {x, wt}, 1, std::move(attrs));
            ADD_FAILURE() << "expected an error";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kInvalidModel) << e.what();
            EXPECT_NE(std::string(e.what()).find("Conv"), std::string::npos) << e.what();
        }
    };
    expect_invalid(w, {{"group", Attribute::of_int(3)}});
    expect_invalid(w, {{"strides", Attribute::of_ints({0, 1})}});
    expect_invalid(w, {{"pads", Attribute::of_ints({1, 1})}});
    expect_invalid(w, {{"pads", Attribute::of_ints({-1, 0, 0, 0})}});
    expect_invalid(w, {{"auto_pad", Attribute::of_string("SAME")}});
    expect_invalid(w, {{"kernel_shape", Attribute::of_ints({2, 2})}});
    expect_invalid(Tensor::zeros(DType::kFloat32, {4, 2, 3, 3}), {});  // channel mismatch
    expect_invalid(Tensor::zeros(DType::kFloat32, {4, 4, 7, 7}), {});  // kernel larger than input
}
