// SPDX-License-Identifier: MIT
// The model file is mmapped and initializer bytes are used in place (src/onnx/wire_split.cpp,
// core/file.cpp). Models here are written byte by byte with a tiny protobuf wire encoder (independent
// of konnx's importer and of libprotobuf), so raw_data can be put at every alignment, cut short, or
// pointed past the end of an external file. References: the written weights themselves and
// Y = X·W computed here in double precision.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/file.hpp"
#include "konnx/session.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

namespace fs = std::filesystem;

// ---- protobuf wire format (https://protobuf.dev/programming-guides/encoding/)
std::string varint(uint64_t v) {
    std::string out;
    do {
        out += static_cast<char>((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return out;
}
std::string field_varint(int number, uint64_t v) { return varint(static_cast<uint64_t>(number) << 3) + varint(v); }
std::string field_bytes(int number, const std::string& payload) {
    return varint((static_cast<uint64_t>(number) << 3) | 2) + varint(payload.size()) + payload;
}

// onnx.proto field numbers: ModelProto ir_version 1, opset_import 8, graph 7; GraphProto node 1, name 2,
// initializer 5, input 11, output 12; NodeProto input 1, output 2, op_type 4; TensorProto dims 1,
// data_type 2, name 8, raw_data 9, external_data 13, data_location 14; ValueInfoProto name 1, type 2;
// TypeProto tensor_type 1; Tensor elem_type 1, shape 2; TensorShapeProto dim 1; Dimension dim_value 1,
// dim_param 2.
std::string value_info(const std::string& name, const std::vector<std::string>& dims) {
    std::string shape;
    for (const auto& d : dims) {
        const bool symbolic = !d.empty() && (d[0] < '0' || d[0] > '9');
        shape += field_bytes(1, symbolic ? field_bytes(2, d) : field_varint(1, std::stoull(d)));
    }
    return field_bytes(1, name) + field_bytes(2, field_bytes(1, field_varint(1, 1) + field_bytes(2, shape)));
}

struct Weight {
    std::string name;
    std::vector<int64_t> dims;
    std::string raw;  // little-endian float32 bytes; empty with `external`
    std::vector<std::pair<std::string, std::string>> external;
};

std::string tensor_proto(const Weight& w) {
    std::string t;
    for (int64_t d : w.dims)
        t += field_varint(1, static_cast<uint64_t>(d));
    t += field_varint(2, 1) + field_bytes(8, w.name);
    if (w.external.empty()) return t + field_bytes(9, w.raw);
    for (const auto& [k, v] : w.external)
        t += field_bytes(13, field_bytes(1, k) + field_bytes(2, v));
    return t + field_varint(14, 1);
}

/// Y = X · W (MatMul), X [batch, k], W [k, n]; the graph field last so every strict prefix is invalid.
std::string matmul_model(const Weight& w, const std::string& batch) {
    std::string graph =
        field_bytes(1, field_bytes(1, "X") + field_bytes(1, w.name) + field_bytes(2, "Y") + field_bytes(4, "MatMul"));
    graph += field_bytes(2, "g") + field_bytes(5, tensor_proto(w));
    graph += field_bytes(11, value_info("X", {batch, std::to_string(w.dims[0])}));
    graph += field_bytes(12, value_info("Y", {batch, std::to_string(w.dims[1])}));
    return field_varint(1, 8) + field_bytes(8, field_bytes(2, "") + field_varint(2, 13)) + field_bytes(7, graph);
}

std::vector<float> pattern(std::size_t n, float scale) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = scale * static_cast<float>(static_cast<int>(i % 17) - 8);
    return v;
}
std::string bytes_of(const std::vector<float>& v) { return {reinterpret_cast<const char*>(v.data()), v.size() * 4}; }

Tensor matmul_reference(const Tensor& x, const std::vector<float>& w, int64_t n) {
    const int64_t m = x.dim(0), k = x.dim(1);
    Tensor y = Tensor::empty(DType::kFloat32, {m, n});
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            double acc = 0;
            for (int64_t p = 0; p < k; ++p)
                acc += static_cast<double>(x.data<float>()[i * k + p]) * w[static_cast<std::size_t>(p * n + j)];
            y.data<float>()[i * n + j] = static_cast<float>(acc);
        }
    return y;
}

class MappedImport : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(binary_dir()) / "mapped_import" /
               (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
                std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& bytes) const {
        const auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    /// The code of the error Session::open throws; nullopt when it loads.
    static std::optional<ErrorCode> load_error(const std::string& path, std::string* what = nullptr) {
        try {
            Session::open(path);
        } catch (const Error& e) {
            if (what) *what = e.what();
            return e.code();
        }
        return std::nullopt;
    }
    fs::path dir_;
};

TEST_F(MappedImport, RawDataAtEveryAlignmentLoadsExactly) {
    const auto w = pattern(6 * 5, 0.25f);
    const Tensor x = Tensor::from_vector<float>({2, 6}, pattern(12, 0.5f));
    for (int shift = 0; shift < 8; ++shift) {
        // A longer name moves raw_data by one byte each time: aligned and misaligned copies both occur.
        const Weight weight{"W" + std::string(static_cast<std::size_t>(shift), 'w'), {6, 5}, bytes_of(w), {}};
        const std::string path = write("m" + std::to_string(shift) + ".onnx", matmul_model(weight, "2"));
        const graph::Model model = onnxio::load_model(path);
        const Tensor& loaded = model.graph.initializers.at(weight.name);
        ASSERT_EQ(loaded.shape(), (Shape{6, 5}));
        EXPECT_EQ(std::memcmp(loaded.raw(), w.data(), w.size() * 4), 0) << "shift " << shift;
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(loaded.raw()) % 4, 0u) << "float data must be 4-byte aligned";
        Session session = Session::open(path);
        EXPECT_TRUE(tensors_close(session.run({{"X", x}})[0], matmul_reference(x, w, 5), 1e-6, 1e-6))
            << "shift " << shift;
    }
}

TEST_F(MappedImport, EveryTruncationIsAnInvalidModelError) {
    const Weight weight{"W", {4, 3}, bytes_of(pattern(12, 1.0f)), {}};
    const std::string bytes = matmul_model(weight, "1");
    ASSERT_FALSE(load_error(write("full.onnx", bytes)).has_value());
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        std::string what;
        EXPECT_EQ(load_error(write("cut.onnx", bytes.substr(0, cut)), &what), ErrorCode::kInvalidModel)
            << "prefix of " << cut << " bytes: " << what;
    }
}

TEST_F(MappedImport, RawDataOfTheWrongSizeIsNamed) {
    Weight weight{"W", {4, 3}, bytes_of(pattern(11, 1.0f)), {}};  // 44 bytes for 48
    std::string what;
    EXPECT_EQ(load_error(write("short.onnx", matmul_model(weight, "1")), &what), ErrorCode::kInvalidModel);
    EXPECT_NE(what.find("tensor 'W': raw_data has 44 bytes"), std::string::npos) << what;
}

TEST_F(MappedImport, ExternalDataAtAnyOffsetIsReadInPlaceOrCopied) {
    const auto w = pattern(8 * 3, 0.125f);
    const Tensor x = Tensor::from_vector<float>({1, 8}, pattern(8, 1.0f));
    for (int offset : {0, 3, 64, 4097}) {
        write("weights.bin", std::string(static_cast<std::size_t>(offset), '\x7f') + bytes_of(w) + "tail");
        const Weight weight{"W",
                            {8, 3},
                            "",
                            {{"location", "weights.bin"},
                             {"offset", std::to_string(offset)},
                             {"length", std::to_string(w.size() * 4)}}};
        Session session = Session::open(write("ext.onnx", matmul_model(weight, "1")));
        EXPECT_TRUE(tensors_close(session.run({{"X", x}})[0], matmul_reference(x, w, 3), 1e-6, 1e-6))
            << "offset " << offset;
    }
}

TEST_F(MappedImport, ExternalRangePastTheEndIsAClearError) {
    const auto w = pattern(8 * 3, 1.0f);
    for (const std::string& file : {bytes_of(w).substr(0, 95), std::string()}) {  // one byte short; empty
        write("weights.bin", file);
        const Weight weight{"W", {8, 3}, "", {{"location", "weights.bin"}, {"offset", "0"}}};
        std::string what;
        EXPECT_EQ(load_error(write("ext.onnx", matmul_model(weight, "1")), &what), ErrorCode::kInvalidModel);
        EXPECT_NE(what.find("external data range (offset 0, 96 bytes) does not fit in 'weights.bin' (" +
                            std::to_string(file.size()) + " bytes)"),
                  std::string::npos)
            << what;
    }
    write("weights.bin", bytes_of(w));
    const Weight past{"W", {8, 3}, "", {{"location", "weights.bin"}, {"offset", "4"}}};
    EXPECT_EQ(load_error(write("ext.onnx", matmul_model(past, "1"))), ErrorCode::kInvalidModel);
    const Weight missing{"W", {8, 3}, "", {{"location", "nope.bin"}}};
    EXPECT_EQ(load_error(write("ext.onnx", matmul_model(missing, "1"))), ErrorCode::kFileNotFound);
}

TEST_F(MappedImport, RepackedWeightsStayValidForLaterPlans) {
    // 64x64 floats span whole pages: after the batch-1 plan packs W its pages are released; the batch-3
    // plan built afterwards must read the same weights back.
    const auto w = pattern(64 * 64, 0.01f);
    const std::string path = write("dyn.onnx", matmul_model({"W", {64, 64}, bytes_of(w), {}}, "N"));
    Session session = Session::open(path);
    for (int64_t batch : {1, 3, 1}) {
        const Tensor x = Tensor::from_vector<float>({batch, 64}, pattern(static_cast<std::size_t>(batch) * 64, 0.5f));
        EXPECT_TRUE(tensors_close(session.run({{"X", x}})[0], matmul_reference(x, w, 64), 1e-5, 1e-5))
            << "batch " << batch;
    }
}

TEST_F(MappedImport, MappedFileReleaseKeepsTheBytes) {
    const long page = ::sysconf(_SC_PAGESIZE);
    std::string data(static_cast<std::size_t>(page) * 3 + 123, '\0');
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(i * 7 + 1);
    const auto file = MappedFile::open(write("pages.bin", data));
    ASSERT_EQ(file->bytes().size(), data.size());
    EXPECT_EQ(std::memcmp(file->bytes().data(), data.data(), data.size()), 0);
    MappedFile::release_if_mapped(file->bytes().data() + 1, data.size() - 1);
    EXPECT_EQ(std::memcmp(file->bytes().data(), data.data(), data.size()), 0) << "released pages read back";
    EXPECT_FALSE(file->contains(file->bytes().data() + 1, data.size()));

    EXPECT_TRUE(MappedFile::open(write("empty.bin", ""))->bytes().empty());
    try {
        MappedFile::open((dir_ / "missing.bin").string());
        FAIL() << "opened a missing file";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kFileNotFound);
    }
    try {
        MappedFile::open(dir_.string());
        FAIL() << "mapped a directory";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kIo);
    }
}

}  // namespace
}  // namespace konnx::test
