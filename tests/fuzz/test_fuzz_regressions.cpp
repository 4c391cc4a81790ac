// SPDX-License-Identifier: MIT
// Every input a fuzz target ever crashed or hung on (tests/fuzz/regressions/, one file per finding, named
// after it) goes through the same reader again and must end in success or a konnx::Error naming bad data,
// never a crash, an internal error or a hang. Plus the specific checks each fix added.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <span>

#include "core/error.hpp"
#include "core/file.hpp"
#include "core/npy.hpp"
#include "core/shape.hpp"
#include "image/image.hpp"
#include "konnx/convert.hpp"
#include "konnx/session.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace konnx;

namespace {

fs::path regressions() { return fs::path(konnx::test::source_dir()) / "tests" / "fuzz" / "regressions"; }

/// Feeds one file to the reader its extension names, as the fuzz target did.
void read_like_the_fuzzer(const fs::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".h5" || ext == ".keras") {
        convert_keras(file.string());
        return;
    }
    const auto bytes = read_file(file.string());
    if (ext == ".pb" || ext == ".npy") {
        const bool npy = bytes.size() >= 6 && std::memcmp(bytes.data(), "\x93NUMPY", 6) == 0;
        npy ? parse_npy(bytes) : onnxio::parse_tensor(bytes);
    } else if (ext == ".onnx") {
        Session::from_bytes(bytes);
    } else {
        image::decode(bytes, file.string());
    }
}

}  // namespace

TEST(FuzzRegressions, EveryRecordedFindingFailsCleanly) {
    int files = 0;
    for (const auto& entry : fs::directory_iterator(regressions())) {
        ++files;
        try {
            read_like_the_fuzzer(entry.path());
        } catch (const Error& e) {
            EXPECT_NE(e.code(), ErrorCode::kInternal) << entry.path() << ": " << e.what();
        }
    }
    EXPECT_GE(files, 2);
}

TEST(FuzzRegressions, ZeroDimensionDoesNotHideOverflowingDimensions) {
    // fuzz_tensor: dims [0, 2^62, 2^62] passed as 0 elements, then Tensor::numel overflowed multiplying them.
    const Shape hostile = {0, int64_t{1} << 62, int64_t{1} << 62};
    try {
        checked_numel(hostile);
        FAIL() << "accepted " << shape_str(hostile);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << e.what();
    }
    EXPECT_EQ(checked_numel(Shape{0, 1 << 20, 1 << 19}), 0);  // empty tensors with sane dims stay fine
}

TEST(FuzzRegressions, HdfGlobalHeapThatWouldLoopForeverIsRefused) {
    // fuzz_keras_h5: a global heap object of size 0 made libhdf5 1.10 spin forever in H5Aread(model_config).
    try {
        convert_keras((regressions() / "keras-h5-gcol-zero-size.h5").string());
        FAIL() << "converted a file with a corrupt global heap";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidModel) << e.what();
        EXPECT_NE(std::string(e.what()).find("global heap"), std::string::npos) << e.what();
    }
}

TEST(FuzzRegressions, TensorDataIsCheckedBeforeTheTensorIsAllocated) {
    // fuzz_tensor: a TensorProto declaring float[2^38] (1 TiB) with no values was allocated before its value
    // count was compared; now it is bad data, whatever the allocator would have said.
    const std::string bytes = [] {
        std::string b;
        b += '\x08';  // field 1 (dims), varint 2^38
        uint64_t v = uint64_t{1} << 38;
        while (v >= 0x80) {
            b += static_cast<char>((v & 0x7F) | 0x80);
            v >>= 7;
        }
        b += static_cast<char>(v);
        b += "\x10\x01";  // field 2 (data_type) = FLOAT
        return b;
    }();
    try {
        onnxio::parse_tensor(std::as_bytes(std::span(bytes.data(), bytes.size())));
        FAIL() << "parsed a tensor without data";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidModel) << e.what();
        EXPECT_NE(std::string(e.what()).find("has 0 values"), std::string::npos) << e.what();
    }
}
