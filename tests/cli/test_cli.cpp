// SPDX-License-Identifier: MIT
// The real `konnx` binary: stdout, stderr and exit codes of classify, bench, inspect and the common CLI.
// Models are built here from Relu/Add (a model whose output is its own input makes every expected score a
// pixel value we chose); images are written by hand (PGM/PPM/BMP bytes).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/npy.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

using namespace konnx;
using konnx::test::cli_path;
using konnx::test::CommandResult;
using konnx::test::run_command;

namespace {

std::string dir() {
    static const std::string d = [] {
        const std::string p = konnx::test::binary_dir() + "/test_tmp/cli";
        std::filesystem::create_directories(p);
        return p;
    }();
    return d;
}

void write(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary);
    f << bytes;
}

/// input "image" (float32, dims < 0 are dynamic) -> Relu [-> Add bias] -> "scores".
std::string model(const std::string& name, const std::vector<int64_t>& dims, std::vector<float> bias = {}) {
    graph::Model m;
    m.opsets.push_back({"", 13});
    m.producer_name = "konnx-test";
    m.graph.name = name;
    graph::ValueInfo in{"image", DType::kFloat32, {}, true, ""};
    for (int64_t d : dims)
        in.shape.push_back(Dim{d, d < 0 ? "N" : ""});
    m.graph.inputs.push_back(in);
    graph::Node relu;
    relu.op_type = "Relu";
    relu.name = "relu";
    relu.inputs = {"image"};
    relu.outputs = {bias.empty() ? "scores" : "r"};
    m.graph.nodes.push_back(relu);
    if (!bias.empty()) {
        const auto n = static_cast<int64_t>(bias.size());
        m.graph.initializers["bias"] = Tensor::from_vector<float>({n}, bias);
        graph::Node add;
        add.op_type = "Add";
        add.name = "add";
        add.inputs = {"r", "bias"};
        add.outputs = {"scores"};
        m.graph.nodes.push_back(add);
    }
    m.graph.outputs.push_back({"scores", DType::kFloat32, {}, false, ""});
    const std::string path = dir() + "/" + name + ".onnx";
    write(path, onnxio::serialize_model(m));
    return path;
}

std::string pnm(const std::string& name, const char* magic, int w, int h, const std::vector<uint8_t>& px) {
    std::string bytes = std::string(magic) + "\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
    bytes.append(px.begin(), px.end());
    const std::string path = dir() + "/" + name;
    write(path, bytes);
    return path;
}

/// 32-bit BGRA BMP (BI_RGB), 1 row.
std::string bmp32(const std::string& name, const std::vector<std::array<uint8_t, 4>>& rgba) {
    const auto w = static_cast<uint32_t>(rgba.size());
    auto le = [](uint32_t v, int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += static_cast<char>(i < 4 ? (v >> (8 * i)) & 255 : 0);  // wider fields are zero-extended
        return s;
    };
    std::string b = "BM" + le(54 + 4 * w, 4) + le(0, 4) + le(54, 4);
    b += le(40, 4) + le(w, 4) + le(1, 4) + le(1, 2) + le(32, 2) + le(0, 4) + le(4 * w, 4) + le(0, 16);
    for (const auto& p : rgba)
        b += std::string{static_cast<char>(p[2]), static_cast<char>(p[1]), static_cast<char>(p[0]),
                         static_cast<char>(p[3])};
    const std::string path = dir() + "/" + name;
    write(path, b);
    return path;
}

CommandResult konnx_cli(std::vector<std::string> args) {
    args.insert(args.begin(), cli_path());
    return run_command(args, 120);
}

/// One line on stderr, "konnx: error: ...", nothing on stdout.
::testing::AssertionResult one_line_error(const CommandResult& r, int code, const std::string& needle = "") {
    if (r.exit_code != code)
        return ::testing::AssertionFailure() << "exit " << r.exit_code << " != " << code << "; stderr: " << r.err;
    if (r.err.rfind("konnx: error: ", 0) != 0 || r.err.find('\n') != r.err.size() - 1)
        return ::testing::AssertionFailure() << "stderr is not one error line: " << r.err;
    if (!r.out.empty()) return ::testing::AssertionFailure() << "stdout not empty: " << r.out;
    if (!needle.empty() && r.err.find(needle) == std::string::npos)
        return ::testing::AssertionFailure() << "stderr lacks '" << needle << "': " << r.err;
    return ::testing::AssertionSuccess();
}

std::string prob(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", p);
    return buf;
}

}  // namespace

// --- common ------------------------------------------------------------------------------------------------
TEST(Cli, VersionHelpAndUsageErrors) {
    auto v = konnx_cli({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out.rfind("konnx ", 0), 0u) << v.out;
    for (const char* cmd : {"run", "classify", "bench", "inspect"}) {
        auto h = konnx_cli({cmd, "--help"});
        EXPECT_EQ(h.exit_code, 0) << cmd;
        EXPECT_NE(h.out.find("Examples:"), std::string::npos) << cmd << ": " << h.out;
    }
    auto top = konnx_cli({"--help"});
    for (const char* cmd : {"classify", "bench", "inspect"})
        EXPECT_NE(top.out.find(cmd), std::string::npos);
    const std::string m = model("relu_rgb", {1, 2, 3, 3});
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, "x.png", "--bogus"}), 64, "--bogus"));
    EXPECT_TRUE(one_line_error(konnx_cli({"bench", m, "--runs", "zero"}), 64));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m}), 64));  // no image
    EXPECT_TRUE(one_line_error(konnx_cli({"frobnicate"}), 64));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, "x.ppm", "--preprocess", "inception"}), 64));
}

// --- classify ----------------------------------------------------------------------------------------------
TEST(CliClassify, SeedFormatByteForByte) {
    // Gray [N,1,4,1] model = identity; pixels 50,30,20,0 scaled by 0.01 are already probabilities.
    const std::string m = model("relu_gray", {-1, 1, 4, 1});
    const std::string img = pnm("four.pgm", "P5", 4, 1, {50, 30, 20, 0});
    auto r = konnx_cli({"classify", m, img, "--scale", "0.01", "--labels", "cat,dog,fish,bird"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, img + "\n    0.500  cat\n    0.300  dog\n    0.200  fish\n    0.000  bird\n");
    EXPECT_EQ(r.err, "");
    // Two images, --top-k 2, labels from a file (one per line, CRLF tolerated), class indices without labels.
    const std::string img2 = pnm("four2.pgm", "P5", 4, 1, {0, 10, 0, 90});
    write(dir() + "/labels.txt", "cat\r\ndog\r\nfish\r\nbird\r\n");
    r = konnx_cli({"classify", m, img, img2, "--scale", "0.01", "--top-k", "2", "--labels", dir() + "/labels.txt"});
    EXPECT_EQ(r.out, img + "\n    0.500  cat\n    0.300  dog\n" + img2 + "\n    0.900  bird\n    0.100  dog\n");
    r = konnx_cli({"classify", m, img2, "--scale", "0.01", "-k", "1"});
    EXPECT_EQ(r.out, img2 + "\n    0.900  3\n");
    // Keras's imagenet_class_index.json.
    write(dir() + "/index.json",
          R"({"0": ["n1", "cat"], "1": ["n2", "dog"], "2": ["n3", "fish"], "3": ["n4", "bird"]})");
    r = konnx_cli({"classify", m, img2, "--scale", "0.01", "-k", "1", "--labels", dir() + "/index.json"});
    EXPECT_EQ(r.out, img2 + "\n    0.900  bird\n");
}

TEST(CliClassify, SoftmaxForScoresThatAreNotProbabilities) {
    const std::string m = model("relu_rgb", {1, 2, 3, 3});
    std::vector<uint8_t> px;
    for (int i = 1; i <= 18; ++i)
        px.push_back(static_cast<uint8_t>(10 * i));
    const std::string img = pnm("ramp.ppm", "P6", 3, 2, px);
    // scores 0.1 .. 1.8 (x * 0.01): p_i = exp(s_i) / sum_j exp(s_j)
    auto score = [](int i) { return static_cast<double>(static_cast<float>(10 * i) * 0.01f); };
    double total = 0;
    for (int i = 1; i <= 18; ++i)
        total += std::exp(score(i));
    auto expected = [&](int i) { return prob(std::exp(score(i)) / total); };
    auto r = konnx_cli({"-v", "classify", m, img, "--scale", "0.01", "-k", "3"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              img + "\n    " + expected(18) + "  17\n    " + expected(17) + "  16\n    " + expected(16) + "  15\n");
    EXPECT_NE(r.err.find("softmax"), std::string::npos) << r.err;
    // --json: one document with the same numbers.
    r = konnx_cli({"classify", m, img, "--scale", "0.01", "-k", "3", "--json"});
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["results"][0]["top"].size(), 3u);
    EXPECT_EQ(j["results"][0]["top"][0]["index"], 17);
    EXPECT_EQ(j["results"][0]["softmax_applied"], true);
    EXPECT_EQ(j["input"]["layout"], "nhwc");
}

TEST(CliClassify, LayoutAutoChannelsAndPresets) {
    // [1,3,2,2]: the last axis (2) cannot be channels, so NCHW. One bright blue pixel at (y=1, x=0):
    // NCHW flat index c*4 + y*2 + x = 2*4 + 2 = 10 (NHWC would be 8).
    const std::string m = model("relu_nchw", {1, 3, 2, 2});
    std::vector<uint8_t> px(12, 0);
    px[(1 * 2 + 0) * 3 + 2] = 200;
    const std::string img = pnm("blue.ppm", "P6", 2, 2, px);
    auto r = konnx_cli({"classify", m, img, "-k", "1"});
    EXPECT_EQ(r.out, img + "\n    1.000  10\n") << r.err;
    r = konnx_cli({"classify", m, img, "-k", "1", "--layout", "nhwc"});
    EXPECT_TRUE(one_line_error(r, 65, "channel"));  // NHWC [1,3,2,2] would have 2 channels
    // --bgr moves the blue value to channel 0: index 0*4 + 2 = 2.
    r = konnx_cli({"classify", m, img, "-k", "1", "--bgr"});
    EXPECT_EQ(r.out, img + "\n    1.000  2\n");
    // caffe: BGR and minus [103.939, 116.779, 123.68]; after Relu only B = 200 - 103.939 = 96.061 stays > 0.
    r = konnx_cli({"classify", m, img, "-k", "1", "--preprocess", "caffe", "--json"});
    EXPECT_EQ(nlohmann::json::parse(r.out)["results"][0]["top"][0]["index"], 2);
}

TEST(CliClassify, AdaptsImageChannelsToTheModel) {
    // RGB pixels into a gray model: PIL's luma (R*19595 + G*38470 + B*7471 + 0x8000) >> 16 = 76, 150, 29, 0;
    // scaled by 1/255 they sum to 1: 0.298, 0.588, 0.114, 0.
    const std::string gray = model("relu_gray", {-1, 1, 4, 1});
    const std::string rgb = pnm("rgb4.ppm", "P6", 4, 1, {255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0});
    auto r = konnx_cli({"classify", gray, rgb, "--scale", "0.00392156863", "--labels", "r,g,b,k"});
    EXPECT_EQ(r.out, rgb + "\n    0.588  g\n    0.298  r\n    0.114  b\n    0.000  k\n") << r.err;
    // RGBA (32-bit BMP) into the same model: alpha dropped before the luma.
    const std::string rgba = bmp32("rgba4.bmp", {{255, 0, 0, 9}, {0, 255, 0, 0}, {0, 0, 255, 255}, {0, 0, 0, 77}});
    r = konnx_cli({"classify", gray, rgba, "--scale", "0.00392156863", "--labels", "r,g,b,k"});
    EXPECT_EQ(r.out, rgba + "\n    0.588  g\n    0.298  r\n    0.114  b\n    0.000  k\n") << r.err;
    // A gray image into an RGB model: replicated to 3 channels (12 equal scores for 4 gray pixels of 50).
    const std::string rgb_model = model("relu_rgb14", {1, 1, 4, 3});
    const std::string g = pnm("gray50.pgm", "P5", 4, 1, {50, 50, 50, 50});
    r = konnx_cli({"classify", rgb_model, g, "-k", "2", "--json"});
    auto j = nlohmann::json::parse(r.out);
    EXPECT_NEAR(j["results"][0]["top"][0]["probability"].get<double>(), 1.0 / 12, 1e-9);
}

TEST(CliClassify, ResizesWithNearestByDefaultAndHonoursSizeForDynamicModels) {
    // 4x1 gray image into a [N,1,2,1] model: PIL nearest picks source columns 1 and 3.
    const std::string m = model("relu_gray2", {-1, 1, 2, 1});
    const std::string img = pnm("cols.pgm", "P5", 4, 1, {1, 60, 2, 40});
    auto r = konnx_cli({"classify", m, img, "--scale", "0.01", "--labels", "a,b"});
    EXPECT_EQ(r.out, img + "\n    0.600  a\n    0.400  b\n") << r.err;
    // Dynamic H and W: --size is required and used.
    const std::string dyn = model("relu_dyn", {-1, -1, -1, 1});
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", dyn, img}), 64, "--size"));
    r = konnx_cli({"classify", dyn, img, "--size", "1x2", "--scale", "0.01", "--labels", "a,b"});
    EXPECT_EQ(r.out, img + "\n    0.600  a\n    0.400  b\n") << r.err;
    // --size 1x4 then --crop 1x2 takes the centre columns 1..2 (60, 2); 62 -> softmax shown.
    r = konnx_cli({"classify", dyn, img, "--size", "1x4", "--crop", "1x2", "--json"});
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["results"][0]["top"][0]["index"], 0);
    EXPECT_EQ(j["input"]["width"], 2);
}

TEST(CliClassify, BadInputsGiveOneLineErrorsAndDocumentedCodes) {
    const std::string m = model("relu_rgb", {1, 2, 3, 3});
    const std::string good = pnm("ok.ppm", "P6", 3, 2, std::vector<uint8_t>(18, 1));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, dir() + "/missing.png"}), 66, "missing.png"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", dir() + "/missing.onnx", good}), 66, "missing.onnx"));
    write(dir() + "/empty.png", "");
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, dir() + "/empty.png"}), 65, "empty.png"));
    write(dir() + "/garbage.jpg", "this is not a picture at all");
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, dir() + "/garbage.jpg"}), 65, "garbage.jpg"));
    write(dir() + "/trunc.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0", 18));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, dir() + "/trunc.png"}), 65, "trunc.png"));
    write(dir() + "/trunc.ppm", "P6\n3 2\n255\nabc");
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, dir() + "/trunc.ppm"}), 65, "truncated"));
    write(dir() + "/huge.pgm", "P5\n32000 32000\n255\n");
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, dir() + "/huge.pgm"}), 65, "limit"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, dir()}), 74));  // a directory
    // Models whose input is not an image.
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", model("flat", {1, 8}), good}), 65, "not 4-D"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", model("two_ch", {1, 2, 5, 5}), good}), 65, "channel"));
    write(dir() + "/not_a_model.onnx", "garbage");
    EXPECT_EQ(konnx_cli({"classify", dir() + "/not_a_model.onnx", good}).exit_code, 65);
    // Flags with bad values.
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, good, "--size", "big"}), 64, "--size"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, good, "--mean", "1,x"}), 64, "--mean"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, good, "--mean", "1,2"}), 65, "2 values"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", m, good, "--labels", dir() + "/nope.txt"}), 66, "nope.txt"));
    // A good image after a bad one is not reached; a good one alone works.
    EXPECT_EQ(konnx_cli({"classify", m, good}).exit_code, 0);
}

// --- bench -------------------------------------------------------------------------------------------------
TEST(CliBench, TextJsonProfileAndCold) {
    const std::string m = model("bench_add", {1, 2, 3, 3}, {0.5f, 1.f, 2.f});
    auto r = konnx_cli({"bench", m, "--runs", "4", "--repeat", "2"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const char* needle : {"load", "first run", "repeat 1", "repeat 2", "p50", "p90", "p99", "throughput"})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
    r = konnx_cli({"bench", m, "--runs", "5", "--repeat", "2", "--threads", "1", "--json", "--profile", "--cold"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    for (const char* key : {"load_ms", "first_run_ms", "runs", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "min_ms",
                            "max_ms", "throughput_per_s", "threads", "peak_rss_kb"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["runs"], 10);
    EXPECT_EQ(j["threads"], 1);
    EXPECT_EQ(j["repeat_mean_ms"].size(), 2u);
    EXPECT_LE(j["min_ms"].get<double>(), j["p50_ms"].get<double>());
    EXPECT_LE(j["p50_ms"].get<double>(), j["p99_ms"].get<double>());
    EXPECT_LE(j["p99_ms"].get<double>(), j["max_ms"].get<double>());
    EXPECT_EQ(j["profile"]["nodes"].size(), 2u);
    EXPECT_EQ(j["cold"]["runs"], 5);
    EXPECT_GT(j["cold"]["min_ms"].get<double>(), 0.0);
    std::set<std::string> ops;
    for (const auto& o : j["profile"]["op_types"])
        ops.insert(o["op_type"].get<std::string>());
    EXPECT_EQ(ops, (std::set<std::string>{"Add", "Relu"}));
}

TEST(CliBench, InputsShapesAndErrors) {
    const std::string dyn = model("bench_dyn", {-1, -1, -1, 3});
    // Unknown dims: a warning (silenced by -q), or fixed with --input-shape / --batch.
    auto r = konnx_cli({"bench", dyn, "--runs", "2", "--repeat", "1"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
    r = konnx_cli({"-q", "bench", dyn, "--runs", "2", "--repeat", "1"});
    EXPECT_EQ(r.err, "");
    // Only the batch unknown: 1 without a warning (-v says so).
    const std::string batch_only = model("bench_batch", {-1, 2, 2, 3});
    r = konnx_cli({"bench", batch_only, "--runs", "2", "--repeat", "1"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
    r = konnx_cli({"bench", dyn, "--runs", "2", "--repeat", "1", "--input-shape", "image:4,8,8,3", "--json"});
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(nlohmann::json::parse(r.out)["batch"], 4);
    write_npy(dir() + "/x.npy", Tensor::zeros(DType::kFloat32, {2, 5, 5, 3}));
    r = konnx_cli({"bench", dyn, "--runs", "2", "--repeat", "1", "--input", "image=" + dir() + "/x.npy", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["batch"], 2);
    EXPECT_TRUE(one_line_error(konnx_cli({"bench", dyn, "--input-shape", "image"}), 64, "--input-shape"));
    EXPECT_TRUE(one_line_error(konnx_cli({"bench", dyn, "--input-shape", "nope:1,2,2,3"}), 65, "nope"));
    EXPECT_TRUE(one_line_error(konnx_cli({"bench", dir() + "/missing.onnx"}), 66));
    EXPECT_TRUE(one_line_error(konnx_cli({"bench", dyn, "--input", "image=" + dir() + "/none.npy"}), 66));
}

// --- inspect -----------------------------------------------------------------------------------------------
TEST(CliInspect, TextAndJson) {
    const std::string m = model("inspect_add", {-1, 2, 3, 3}, {0.5f, 1.f, 2.f});
    auto r = konnx_cli({"inspect", m});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("input        image  float32 [N,2,3,3]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("parameters   3 (12 B in 1 initializers)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("producer     konnx-test"), std::string::npos) << r.out;
    r = konnx_cli({"inspect", m, "--json"});
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["opsets"]["ai.onnx"], 13);
    EXPECT_EQ(j["op_histogram"]["Relu"], 1);
    EXPECT_EQ(j["op_histogram"]["Add"], 1);
    EXPECT_EQ(j["nodes"], 2);
    EXPECT_EQ(j["parameter_count"], 3);
    EXPECT_EQ(j["parameter_bytes"], 12);
    EXPECT_EQ(j["inputs"][0]["shape"], nlohmann::json::parse(R"(["N", 2, 3, 3])"));
    EXPECT_EQ(j["runs_on_konnx"], true);

    // A model from ONNX's own test data: Conv with W [4,3,3,3] + B [4] = 112 parameters... read, not assumed:
    const std::string conv = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx";
    if (std::filesystem::exists(conv)) {
        r = konnx_cli({"inspect", conv, "--json"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        j = nlohmann::json::parse(r.out);
        EXPECT_EQ(j["op_histogram"]["Conv"], 1);
        EXPECT_EQ(j["producer_name"], "pytorch");
        EXPECT_GT(j["parameter_count"].get<int64_t>(), 0);
        EXPECT_EQ(j["parameter_bytes"].get<int64_t>(), 4 * j["parameter_count"].get<int64_t>());
    }
    EXPECT_TRUE(one_line_error(konnx_cli({"inspect", dir() + "/missing.onnx"}), 66));
    // Keras files go through convert_keras (kUnsupported until the converter lands, then kFileNotFound).
    r = konnx_cli({"inspect", dir() + "/missing.h5"});
    EXPECT_TRUE(r.exit_code == 66 || r.exit_code == 69) << r.exit_code << " " << r.err;
    EXPECT_EQ(r.err.rfind("konnx: error: ", 0), 0u);
}

// --- classify vs Keras -------------------------------------------------------------------------------------
TEST(CliClassify, PreprocessedTensorEqualsKerasLoadImgBitForBit) {
    // tools/image_reference.py transcribes Keras 2's load_img + img_to_array (+ imagenet_utils preprocessing)
    // over Pillow; konnx's --save-input must equal it exactly on lossless images (the seed's BMP included).
    const std::string script = konnx::test::source_dir() + "/tools/image_reference.py";
    std::vector<std::string> images;
    const std::string shared = konnx::test::shared_dir();
    if (!shared.empty() && std::filesystem::exists(shared + "/seed/3_001_0.bmp"))
        images.push_back(shared + "/seed/3_001_0.bmp");
    // A 37x53 RGBA PNG and a 61x20 gray PNG written by Pillow from seeded noise.
    auto gen = run_command({konnx::test::python(), "-c",
                            "import numpy as np; from PIL import Image; r = np.random.RandomState(5); "
                            "Image.fromarray(r.randint(0, 256, (37, 53, 4)).astype('uint8'), 'RGBA').save('" +
                                dir() +
                                "/noise_rgba.png'); "
                                "Image.fromarray(r.randint(0, 256, (61, 20)).astype('uint8'), 'L').save('" +
                                dir() + "/noise_l.png')"});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    images.push_back(dir() + "/noise_rgba.png");
    images.push_back(dir() + "/noise_l.png");
    const std::string rgb = model("id_rgb", {-1, 24, 24, 3});
    const std::string gray = model("id_gray", {-1, 24, 24, 1});
    struct Case {
        std::string resize, preprocess, model, color_mode;
    };
    const std::vector<Case> cases = {{"nearest", "none", rgb, "rgb"},        {"bilinear", "none", rgb, "rgb"},
                                     {"bicubic", "tf", rgb, "rgb"},          {"area", "caffe", rgb, "rgb"},
                                     {"nearest", "torch", rgb, "rgb"},       {"nearest", "none", gray, "grayscale"},
                                     {"bilinear", "none", gray, "grayscale"}};
    int n = 0;
    for (const auto& image : images)
        for (const auto& c : cases) {
            const std::string ours = dir() + "/ours" + std::to_string(n) + ".npy";
            const std::string theirs = dir() + "/keras" + std::to_string(n++) + ".npy";
            auto r = konnx_cli(
                {"classify", c.model, image, "--resize", c.resize, "--preprocess", c.preprocess, "--save-input", ours});
            ASSERT_EQ(r.exit_code, 0) << r.err;
            auto k = run_command({konnx::test::python(), script, "keras", image, theirs, "24", "24", c.resize,
                                  c.color_mode, c.preprocess});
            ASSERT_EQ(k.exit_code, 0) << k.err;
            Tensor want = read_npy(theirs);
            EXPECT_TRUE(konnx::test::tensors_close(read_npy(ours),
                                                   want.reshaped({1, want.dim(0), want.dim(1), want.dim(2)}), 0, 0))
                << image << " " << c.resize << " " << c.preprocess << " " << c.color_mode;
        }
}
