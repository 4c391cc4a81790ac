// SPDX-License-Identifier: MIT
// Data safety through the real binary: a failed conversion (bad input, unsupported layer, or a write that
// fails half-way) leaves an existing output byte-identical and no temporary file; `run --output-dir` keeps
// hostile output names inside its folder; no command writes next to its input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/npy.hpp"
#include "keras/h5_writer.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace konnx;
using konnx::test::cli_path;
using konnx::test::run_command;

namespace {

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::path(konnx::test::binary_dir()) / "test-tmp" / "data_safety" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        names.insert(fs::relative(e.path(), dir).string());
    return names;
}

/// Dense(3 -> units) Keras 2 .h5; `layer_class` lets a test ask for a layer konnx refuses (Lambda).
void write_dense_h5(const fs::path& path, int units, const std::string& layer_class = "Dense") {
    const nlohmann::json config = nlohmann::json::parse(
        R"({"class_name":"Sequential","config":{"name":"s","layers":[{"class_name":")" + layer_class +
        R"(","config":{"name":"d","batch_input_shape":[null,3],"units":)" + std::to_string(units) + "}}]}}");
    std::vector<float> kernel(static_cast<std::size_t>(3 * units)), bias(static_cast<std::size_t>(units));
    for (std::size_t i = 0; i < kernel.size(); ++i)
        kernel[i] = static_cast<float>(i % 7) - 3.f;
    test::KerasWeights w{"d",
                         {"kernel", "bias"},
                         {Tensor::from_vector<float>({3, units}, kernel), Tensor::from_vector<float>({units}, bias)}};
    test::write_keras_h5(path.string(), config, {w});
}

}  // namespace

TEST(DataSafety, FailedConversionsLeaveTheExistingOutputByteIdentical) {
    const fs::path dir = fresh_dir("convert");
    const fs::path out = dir / "out.onnx";
    const std::string precious = "an earlier conversion the user wants to keep\n";
    std::ofstream(out, std::ios::binary) << precious;

    // 1. Unreadable input (not HDF5): fails before writing.
    std::ofstream(dir / "junk.h5") << "not a keras file";
    auto r = run_command({cli_path(), "convert", (dir / "junk.h5").string(), "-o", out.string()});
    EXPECT_EQ(r.exit_code, 65) << r.err;
    // 2. A layer konnx refuses.
    write_dense_h5(dir / "lambda.h5", 2, "Lambda");
    r = run_command({cli_path(), "convert", (dir / "lambda.h5").string(), "-o", out.string()});
    EXPECT_EQ(r.exit_code, 69) << r.err;
    // 3. The write itself fails half-way: a 1 KiB file-size limit (SIGXFSZ ignored, so write() gets EFBIG)
    //    against a model with 24 KB of weights.
    write_dense_h5(dir / "big.h5", 2000);
    r = run_command({"/bin/bash", "-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" convert \"$1\" -o \"$2\"", cli_path(),
                     (dir / "big.h5").string(), out.string()});
    EXPECT_EQ(r.exit_code, 74) << r.err;
    EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(out), precious);
    EXPECT_EQ(listing(dir), (std::set<std::string>{"out.onnx", "junk.h5", "lambda.h5", "big.h5"}))
        << "a temporary file was left behind";

    // Control: a conversion that succeeds does replace it, with a model konnx can run.
    r = run_command({cli_path(), "convert", (dir / "big.h5").string(), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(slurp(out), precious);
    r = run_command({cli_path(), "inspect", out.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(listing(dir), (std::set<std::string>{"out.onnx", "junk.h5", "lambda.h5", "big.h5"}));
}

TEST(DataSafety, RunOutputDirKeepsHostileOutputNamesInside) {
    const fs::path dir = fresh_dir("run_names");
    // x -> Identity -> outputs whose names try to leave the folder or collide once sanitized.
    const std::vector<std::string> names = {"../escape", "/tmp/konnx-absolute", "a/b", "a_b", "..", "."};
    graph::Model m;
    m.opsets.push_back({"", 13});
    m.graph.name = "names";
    m.graph.inputs.push_back({"x", DType::kFloat32, {Dim{2, ""}}, true, ""});
    float k = 1;
    for (const auto& name : names) {
        const std::string c = "c" + std::to_string(static_cast<int>(k));
        m.graph.initializers[c] = Tensor::from_vector<float>({2}, {k, k});
        graph::Node add;
        add.op_type = "Add";
        add.name = "add_" + c;
        add.inputs = {"x", c};
        add.outputs = {name};
        m.graph.nodes.push_back(add);
        m.graph.outputs.push_back({name, DType::kFloat32, {}, false, ""});
        k += 1;
    }
    std::ofstream(dir / "m.onnx", std::ios::binary) << onnxio::serialize_model(m);
    write_npy((dir / "x.npy").string(), Tensor::from_vector<float>({2}, {10, 20}));
    fs::create_directories(dir / "work");
    const auto r = run_command({cli_path(), "run", (dir / "m.onnx").string(), "--input",
                                "x=" + (dir / "x.npy").string(), "--output-dir", (dir / "work" / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists("/tmp/konnx-absolute.npy"));
    EXPECT_FALSE(fs::exists(dir / "work" / "escape.npy"));
    EXPECT_EQ(listing(dir), (std::set<std::string>{"m.onnx", "x.npy", "work", "work/out", "work/out/.._escape.npy",
                                                   "work/out/_tmp_konnx-absolute.npy", "work/out/a_b.npy",
                                                   "work/out/a_b_1.npy", "work/out/_...npy", "work/out/_..npy"}));
    // Each file holds its own output: x + k for the k-th name (Add by definition), none overwritten.
    const std::vector<std::string> files = {
        ".._escape.npy", "_tmp_konnx-absolute.npy", "a_b.npy", "a_b_1.npy", "_...npy", "_..npy"};
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto k2 = static_cast<float>(i + 1);
        EXPECT_EQ(read_npy((dir / "work" / "out" / files[i]).string()).to_vector<float>(),
                  (std::vector<float>{10 + k2, 20 + k2}))
            << files[i];
    }
}

TEST(DataSafety, NothingIsWrittenNextToTheInputs) {
    const fs::path in = fresh_dir("inputs"), out = fresh_dir("outputs");
    write_dense_h5(in / "m.h5", 4);
    write_npy((in / "x.npy").string(), Tensor::from_vector<float>({1, 3}, {1, 2, 3}));
    const auto before = listing(in);
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {cli_path(), "convert", (in / "m.h5").string(), "-o", (out / "m.onnx").string()},
             {cli_path(), "run", (in / "m.h5").string(), "--input", "d_input=" + (in / "x.npy").string()},
             {cli_path(), "run", (out / "m.onnx").string(), "--output-dir", (out / "o").string()},
             {cli_path(), "inspect", (in / "m.h5").string()},
             {cli_path(), "bench", (in / "m.h5").string(), "--runs", "2", "--repeat", "1"}}) {
        const auto r = run_command(argv);
        EXPECT_EQ(r.exit_code, 0) << argv[1] << ": " << r.err;
        EXPECT_EQ(listing(in), before) << argv[1] << " wrote next to its input";
    }
}
