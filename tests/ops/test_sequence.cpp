// SPDX-License-Identifier: MIT
// Sequence and optional values (konnx/sequence.hpp) and the Sequence* ops on cases the ONNX node tests do not
// cover: uneven scalar splits, keepdims = 0, negative positions, stacking on the last axis, out-of-range positions.
// Expected values are worked out by hand from the ONNX operator documentation.
#include "konnx/sequence.hpp"
#include "support/test_support.hpp"

namespace konnx {
namespace {

using graph::Attribute;

std::vector<float> values(const Tensor& t) { return t.to_vector<float>(); }

TEST(SequenceValues, MakeAndReadSequencesAndOptionals) {
    const Tensor a = Tensor::from_vector<float>({2}, {1, 2});
    const Tensor seq = make_sequence(DType::kUndefined, {a, a});
    EXPECT_EQ(seq.dtype(), kSequenceType);
    EXPECT_EQ(container_elem_type(seq), DType::kFloat32);
    ASSERT_EQ(sequence_items(seq).size(), 2u);
    EXPECT_THROW(make_sequence(DType::kFloat32, {Tensor::scalar<int64_t>(1)}), Error);  // mixed element types
    EXPECT_THROW(sequence_items(a), Error);                                             // not a sequence

    const Tensor empty = make_optional(DType::kFloat32);
    EXPECT_EQ(optional_value(empty), nullptr);
    const Tensor holding = make_optional(kSequenceType, seq);
    ASSERT_NE(optional_value(holding), nullptr);
    EXPECT_EQ(sequence_items(*optional_value(holding)).size(), 2u);

    // clone() copies the items: the copy does not share their buffers.
    const Tensor copy = seq.clone();
    EXPECT_NE(sequence_items(copy)[0].raw(), a.raw());
    EXPECT_EQ(values(sequence_items(copy)[1]), (std::vector<float>{1, 2}));
}

TEST(SplitToSequence, ScalarSplitLeavesASmallerLastPiece) {
    // 5 elements in pieces of 2: [0, 1], [2, 3], [4].
    const auto out = test::run_single_node(
        "SplitToSequence", {Tensor::from_vector<float>({5}, {0, 1, 2, 3, 4}), Tensor::scalar<int64_t>(2)}, 1, {}, 13);
    const auto& items = sequence_items(out[0]);
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(values(items[0]), (std::vector<float>{0, 1}));
    EXPECT_EQ(values(items[1]), (std::vector<float>{2, 3}));
    EXPECT_EQ(items[2].shape(), (Shape{1}));
    EXPECT_EQ(values(items[2]), (std::vector<float>{4}));
}

TEST(SplitToSequence, NoSplitWithKeepdimsZeroDropsTheAxis) {
    // [2, 3] split along axis 1 without `split`: three [2] columns.
    const auto out = test::run_single_node("SplitToSequence", {Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6})},
                                           1, {{"axis", Attribute::of_int(1)}, {"keepdims", Attribute::of_int(0)}}, 13);
    const auto& items = sequence_items(out[0]);
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0].shape(), (Shape{2}));
    EXPECT_EQ(values(items[0]), (std::vector<float>{1, 4}));
    EXPECT_EQ(values(items[2]), (std::vector<float>{3, 6}));
}

TEST(SequenceInsert, NegativePositionCountsFromTheEnd) {
    const Tensor a = Tensor::from_vector<float>({1}, {1}), b = Tensor::from_vector<float>({1}, {2});
    const Tensor c = Tensor::from_vector<float>({1}, {3});
    // Inserting at -1 puts c before the last item: [a, c, b].
    const auto out = test::run_single_node(
        "SequenceInsert", {make_sequence(DType::kFloat32, {a, b}), c, Tensor::scalar<int64_t>(-1)}, 1, {}, 13);
    const auto& items = sequence_items(out[0]);
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(values(items[0])[0], 1.0f);
    EXPECT_EQ(values(items[1])[0], 3.0f);
    EXPECT_EQ(values(items[2])[0], 2.0f);
}

TEST(SequenceAt, OutOfRangePositionIsAnError) {
    const Tensor seq = make_sequence(DType::kFloat32, {Tensor::from_vector<float>({1}, {1})});
    try {
        test::run_single_node("SequenceAt", {seq, Tensor::scalar<int64_t>(1)}, 1, {}, 13);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
        EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
    }
}

TEST(ConcatFromSequence, NewAxisStacksOnTheLastAxis) {
    // new_axis = 1, axis = -1 on two [2] items: [[1, 3], [2, 4]].
    const Tensor seq = make_sequence(
        DType::kFloat32, {Tensor::from_vector<float>({2}, {1, 2}), Tensor::from_vector<float>({2}, {3, 4})});
    const auto out = test::run_single_node("ConcatFromSequence", {seq}, 1,
                                           {{"axis", Attribute::of_int(-1)}, {"new_axis", Attribute::of_int(1)}}, 13);
    EXPECT_TRUE(test::tensors_close(out[0], Tensor::from_vector<float>({2, 2}, {1, 3, 2, 4})));
}

}  // namespace
}  // namespace konnx
