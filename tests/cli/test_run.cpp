// SPDX-License-Identifier: MIT
// `konnx run` through the real binary: outputs on disk, and bad models rejected with one-line errors
// and documented exit codes (65 bad data, 66 missing file, 69 unsupported op).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/npy.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace konnx;
using konnx::test::cli_path;
using konnx::test::run_command;

namespace {

fs::path temp_dir(const std::string& name) {
    fs::path dir = fs::path(konnx::test::binary_dir()) / "test-tmp" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write_bytes(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string relu_model_bytes() {
    return onnxio::serialize_model(konnx::test::single_node_model("Relu", {Tensor::zeros(DType::kFloat32, {2, 3})}, 1));
}

// One line on stderr, starting with "konnx: error:".
void expect_one_line_error(const konnx::test::CommandResult& r) {
    EXPECT_FALSE(r.signaled);
    EXPECT_EQ(r.err.rfind("konnx: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace

TEST(CliRun, WritesOutputsAsNpy) {
    const fs::path dir = temp_dir("run_ok");
    write_bytes(dir / "relu.onnx", relu_model_bytes());
    write_npy((dir / "x.npy").string(), Tensor::from_vector<float>({2, 3}, {-1, 2, -3, 4, -5, 6}));
    const auto r = run_command({cli_path(), "run", (dir / "relu.onnx").string(), "--input",
                                "x0=" + (dir / "x.npy").string(), "--output-dir", (dir / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor y = read_npy((dir / "out" / "y0.npy").string());
    EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0, 2, 0, 4, 0, 6}));  // relu by definition
    EXPECT_NE(r.out.find("y0"), std::string::npos);
}

TEST(CliRun, UnsupportedOpsAreAllListedWithExit69) {
    auto model = konnx::test::single_node_model("Relu", {Tensor::zeros(DType::kFloat32, {2})}, 1);
    graph::Node a;
    a.op_type = "NotARealOp";
    a.inputs = {"y0"};
    a.outputs = {"z"};
    graph::Node b = a;
    b.op_type = "FooBar";
    b.domain = "com.example";
    b.outputs = {"w"};
    model.graph.nodes.push_back(a);
    model.graph.nodes.push_back(b);
    model.opsets.push_back({"com.example", 1});
    const fs::path dir = temp_dir("run_unsupported");
    write_bytes(dir / "m.onnx", onnxio::serialize_model(model));
    const auto r = run_command({cli_path(), "run", (dir / "m.onnx").string()});
    EXPECT_EQ(r.exit_code, 69);
    expect_one_line_error(r);
    EXPECT_NE(r.err.find("NotARealOp"), std::string::npos);
    EXPECT_NE(r.err.find("FooBar"), std::string::npos);
}

TEST(CliRun, TruncatedModelsFailCleanly) {
    const std::string good = relu_model_bytes();
    const fs::path dir = temp_dir("run_truncated");
    for (std::size_t cut : {std::size_t{1}, good.size() / 3, good.size() / 2, good.size() - 1}) {
        write_bytes(dir / "t.onnx", good.substr(0, cut));
        const auto r = run_command({cli_path(), "run", (dir / "t.onnx").string()});
        EXPECT_EQ(r.exit_code, 65) << "cut " << cut << ": " << r.err;
        expect_one_line_error(r);
    }
}

TEST(CliRun, RandomBytesAndMissingFilesFailCleanly) {
    const fs::path dir = temp_dir("run_garbage");
    std::mt19937 rng(7);
    std::string junk(4096, '\0');
    for (char& c : junk)
        c = static_cast<char>(rng());
    write_bytes(dir / "junk.onnx", junk);
    auto r = run_command({cli_path(), "run", (dir / "junk.onnx").string()});
    EXPECT_EQ(r.exit_code, 65) << r.err;
    expect_one_line_error(r);

    r = run_command({cli_path(), "run", (dir / "does_not_exist.onnx").string()});
    EXPECT_EQ(r.exit_code, 66) << r.err;
    expect_one_line_error(r);

    r = run_command({cli_path(), "run", dir.string()});  // a directory
    EXPECT_EQ(r.exit_code, 74) << r.err;
    expect_one_line_error(r);

    r = run_command({cli_path(), "run"});  // usage
    EXPECT_EQ(r.exit_code, 64) << r.err;
}
