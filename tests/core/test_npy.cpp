// SPDX-License-Identifier: MIT
// .npy reading is checked against bytes written by numpy's own format (header text per numpy/lib/format.py).
#include <gtest/gtest.h>

#include <string>

#include "core/npy.hpp"
#include "konnx/string_tensor.hpp"

using namespace konnx;

namespace {
std::span<const std::byte> as_bytes(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

// A v1.0 header exactly as numpy writes it for np.arange(6, dtype='<f4').reshape(2, 3).
std::string numpy_f4_2x3() {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');  // numpy aligns data to 64 bytes
    header += '\n';
    std::string out = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header;
    for (int i = 0; i < 6; ++i) {
        const float f = static_cast<float>(i);
        out.append(reinterpret_cast<const char*>(&f), 4);
    }
    return out;
}
}  // namespace

TEST(Npy, ParsesNumpyHeaderAndData) {
    const Tensor t = parse_npy(as_bytes(numpy_f4_2x3()));
    EXPECT_EQ(t.dtype(), DType::kFloat32);
    EXPECT_EQ(t.shape(), (Shape{2, 3}));
    EXPECT_EQ(t.data<float>()[5], 5.f);
}

TEST(Npy, EncodesWhatNumpyWrites) {
    const std::string numpy = numpy_f4_2x3();
    const Tensor t = parse_npy(as_bytes(numpy));
    EXPECT_EQ(encode_npy(t), numpy);
}

TEST(Npy, RoundTripsScalarsAndVectors) {
    for (const Shape& shape : {Shape{}, Shape{4}, Shape{2, 0, 3}}) {
        Tensor t = Tensor::zeros(DType::kInt64, shape);
        const Tensor back = parse_npy(as_bytes(encode_npy(t)));
        EXPECT_EQ(back.shape(), shape);
        EXPECT_EQ(back.dtype(), DType::kInt64);
    }
}

TEST(Npy, RejectsMalformedFilesWithAnError) {
    const std::string good = numpy_f4_2x3();
    for (std::size_t cut = 0; cut < good.size(); cut += 7) {
        const std::string truncated = good.substr(0, cut);
        EXPECT_THROW(parse_npy(as_bytes(truncated)), Error) << "cut at " << cut;
    }
    std::string fortran = good;
    fortran.replace(fortran.find("False"), 5, "True ");
    EXPECT_THROW(parse_npy(as_bytes(fortran)), Error);
    std::string huge = good;
    huge.replace(huge.find("(2, 3)"), 6, "(99999999999999999999)");
    EXPECT_THROW(parse_npy(as_bytes(huge)), Error);
}

TEST(Npy, StringTensorsAreNumpyUnicodeArrays) {
    // np.save of np.array(["a", "héllo", ""]): '<U5', UTF-32 code units padded with NULs.
    const Tensor t = make_string_tensor({3}, {"a", "h\xC3\xA9llo", ""});
    const std::string bytes = encode_npy(t);
    EXPECT_NE(bytes.find("'descr': '<U5'"), std::string::npos);
    const Tensor back = parse_npy(as_bytes(bytes));
    ASSERT_EQ(back.dtype(), DType::kString);
    EXPECT_EQ(back.shape(), Shape{3});
    const auto values = string_values(back);
    EXPECT_EQ(std::vector<std::string>(values.begin(), values.end()),
              (std::vector<std::string>{"a", "h\xC3\xA9llo", ""}));
    EXPECT_THROW(encode_npy(make_string_tensor({1}, {"\xC3"})), Error);  // truncated UTF-8
}
