// SPDX-License-Identifier: MIT
// String tensors (konnx/string_tensor.hpp): Cast to and from strings beyond the ONNX node tests (integers,
// unparsable text), StringNormalizer's case-insensitive stopwords, TensorProto round trip, and the refusal of
// ops that would copy a string tensor's bytes. Expected values are worked out by hand.
#include <cmath>

#include "konnx/string_tensor.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

namespace konnx {
namespace {

using graph::Attribute;

std::vector<std::string> strings(const Tensor& t) {
    const auto v = string_values(t);
    return {v.begin(), v.end()};
}

TEST(StringCast, IntegersAndFloatsBothWays) {
    const auto out = test::run_single_node("Cast", {Tensor::from_vector<int64_t>({3}, {-12, 0, 7})}, 1,
                                           {{"to", Attribute::of_int(static_cast<int64_t>(DType::kString))}}, 13);
    EXPECT_EQ(strings(out[0]), (std::vector<std::string>{"-12", "0", "7"}));
    const auto back = test::run_single_node("Cast", {make_string_tensor({3}, {"1.5", "-INF", "+2"})}, 1,
                                            {{"to", Attribute::of_int(static_cast<int64_t>(DType::kFloat32))}}, 13);
    const auto v = back[0].to_vector<float>();
    EXPECT_EQ(v[0], 1.5f);
    EXPECT_TRUE(std::isinf(v[1]) && v[1] < 0);
    EXPECT_EQ(v[2], 2.0f);
}

TEST(StringCast, UnparsableTextIsAnError) {
    EXPECT_THROW(test::run_single_node("Cast", {make_string_tensor({1}, {"12abc"})}, 1,
                                       {{"to", Attribute::of_int(static_cast<int64_t>(DType::kInt32))}}, 13),
                 Error);
}

TEST(StringNormalizer, CaseInsensitiveStopwordsThenLowerCase) {
    // "MONDAY" matches stopword "monday" ignoring case; the rest are lower-cased.
    const auto out = test::run_single_node(
        "StringNormalizer", {make_string_tensor({1, 3}, {"MONDAY", "Tuesday", "ÄB"})}, 1,
        {{"stopwords", Attribute::of_strings({"monday"})}, {"case_change_action", Attribute::of_string("LOWER")}}, 10);
    EXPECT_EQ(out[0].shape(), (Shape{1, 2}));
    EXPECT_EQ(strings(out[0]), (std::vector<std::string>{"tuesday", "Äb"}));  // ASCII letters only
}

TEST(StringTensors, TensorProtoRoundTrip) {
    const Tensor t = make_string_tensor({2}, {"a", ""});
    const std::string bytes = onnxio::serialize_tensor(t, "s");
    const Tensor back = onnxio::parse_tensor(std::as_bytes(std::span(bytes.data(), bytes.size())));
    EXPECT_EQ(back.shape(), (Shape{2}));
    EXPECT_EQ(strings(back), (std::vector<std::string>{"a", ""}));
    EXPECT_EQ(strings(t.clone()), strings(t));
    std::string not_owned[1];
    EXPECT_THROW(Tensor::view(DType::kString, {1}, not_owned), Error);  // strings only come with their owner
}

TEST(StringTensors, OpsThatCopyBytesRefuseThem) {
    try {
        test::run_single_node(
            "Reshape", {make_string_tensor({2}, {"a", "b"}), Tensor::from_vector<int64_t>({2}, {1, 2})}, 1, {}, 13);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
    }
}

}  // namespace
}  // namespace konnx
