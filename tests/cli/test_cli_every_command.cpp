// SPDX-License-Identifier: MIT
// Every command of the real `konnx` binary (convert, run, classify, bench, inspect) against the behaviours
// issue 5 promises: --help with examples, unknown flags (64), missing files (66), zero-size and corrupt
// model files (65), results on stdout with a quiet stderr, errors as one stderr line with nothing on stdout;
// for classify also zero-size and corrupt images, images whose channel count differs from the model's, and
// models (ONNX and Keras) whose input is not an image.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/npy.hpp"
#include "keras/h5_writer.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace konnx;
using konnx::test::cli_path;
using konnx::test::CommandResult;
using konnx::test::run_command;

namespace {

/// A fresh folder per test (ctest runs tests in parallel processes).
fs::path dir() {
    const fs::path p = fs::path(konnx::test::binary_dir()) / "test_tmp" / "cli_every_command" /
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
    static bool cleaned = false;
    if (!std::exchange(cleaned, true)) fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

std::string write(const std::string& name, const std::string& bytes) {
    const fs::path path = dir() / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
}

std::string slurp(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

/// "image" float32 `dims` -> Relu -> "scores" (each score is the pixel value fed, so expectations are ours).
std::string relu_model(const std::string& name, const std::vector<int64_t>& dims, DType dtype = DType::kFloat32,
                       int inputs = 1) {
    graph::Model m;
    m.opsets.push_back({"", 13});
    m.producer_name = "konnx-test";
    m.graph.name = name;
    for (int i = 0; i < inputs; ++i) {
        graph::ValueInfo in{i == 0 ? "image" : "extra", dtype, {}, true, ""};
        for (int64_t d : dims)
            in.shape.push_back(Dim{d, ""});
        m.graph.inputs.push_back(in);
    }
    graph::Node relu;
    relu.op_type = inputs == 1 ? "Relu" : "Add";
    relu.name = "op";
    relu.inputs = inputs == 1 ? std::vector<std::string>{"image"} : std::vector<std::string>{"image", "extra"};
    relu.outputs = {"scores"};
    m.graph.nodes.push_back(relu);
    m.graph.outputs.push_back({"scores", dtype, {}, false, ""});
    return write(name + ".onnx", onnxio::serialize_model(m));
}

const fs::path kFashion = fs::path(KONNX_SOURCE_DIR) / "examples" / "fashion_mnist";

CommandResult konnx_cli(std::vector<std::string> args) {
    args.insert(args.begin(), cli_path());
    return run_command(args, 300);
}

::testing::AssertionResult one_line_error(const CommandResult& r, int code, const std::string& needle = "") {
    if (r.signaled) return ::testing::AssertionFailure() << "killed by a signal; stderr: " << r.err;
    if (r.exit_code != code)
        return ::testing::AssertionFailure() << "exit " << r.exit_code << " != " << code << "; stderr: " << r.err;
    if (r.err.rfind("konnx: error: ", 0) != 0 || r.err.find('\n') != r.err.size() - 1)
        return ::testing::AssertionFailure() << "stderr is not one error line: " << r.err;
    if (!r.out.empty()) return ::testing::AssertionFailure() << "stdout not empty: " << r.out;
    if (!needle.empty() && r.err.find(needle) == std::string::npos)
        return ::testing::AssertionFailure() << "stderr lacks '" << needle << "': " << r.err;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult clean_success(const CommandResult& r) {
    if (r.exit_code != 0) return ::testing::AssertionFailure() << "exit " << r.exit_code << "; stderr: " << r.err;
    if (!r.err.empty()) return ::testing::AssertionFailure() << "stderr not empty: " << r.err;
    if (r.out.empty()) return ::testing::AssertionFailure() << "stdout empty";
    return ::testing::AssertionSuccess();
}

/// A command line for each command with a model of the right kind in slot MODEL (index 2).
struct Command {
    std::string name;
    std::vector<std::string> args;  ///< after "konnx NAME"; "{MODEL}" marks the model
    std::string model_ext;
};

std::vector<Command> commands(const std::string& image) {
    return {{"convert", {"{MODEL}", "-o", (dir() / "out.onnx").string()}, ".h5"},
            {"run",
             {"{MODEL}", "-q", "--output-dir", (dir() / "run_out").string()},
             ".onnx"},  // -q: no random-input warning
            {"classify", {"{MODEL}", image}, ".onnx"},
            {"bench", {"{MODEL}", "--runs", "2", "--repeat", "1"}, ".onnx"},
            {"inspect", {"{MODEL}"}, ".onnx"}};
}

std::vector<std::string> line(const Command& c, const std::string& model, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {c.name};
    for (const auto& a : c.args)
        argv.push_back(a == "{MODEL}" ? model : a);
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

}  // namespace

TEST(CliEveryCommand, HelpUnknownFlagsMissingZeroSizeAndCorruptModels) {
    const std::string image = (kFashion / "6_shirt_idx4.png").string();
    const std::string onnx = relu_model("gray28", {1, 28, 28, 1});
    const std::string h5 = (kFashion / "fashion_mnist_cnn.h5").string();
    const std::string empty_onnx = write("empty.onnx", ""), empty_h5 = write("empty.h5", "");
    const std::string corrupt_onnx = write("corrupt.onnx", std::string("\x08\x07\x12\x04junk\xff\xff\xff", 11));
    const std::string corrupt_h5 = write("corrupt.h5", "\x89HDF\r\n\x1a\n but then nothing of HDF5 follows");
    for (const Command& c : commands(image)) {
        SCOPED_TRACE(c.name);
        const bool keras = c.model_ext == ".h5";
        auto help = konnx_cli({c.name, "--help"});
        EXPECT_TRUE(clean_success(help));
        EXPECT_NE(help.out.find("Examples:\n  konnx " + c.name), std::string::npos) << help.out;

        EXPECT_TRUE(clean_success(konnx_cli(line(c, keras ? h5 : onnx))));
        EXPECT_TRUE(one_line_error(konnx_cli(line(c, keras ? h5 : onnx, {"--no-such-flag"})), 64, "--no-such-flag"));
        EXPECT_TRUE(one_line_error(konnx_cli({c.name}), 64));  // no model
        const std::string missing = (dir() / ("missing" + c.model_ext)).string();
        EXPECT_TRUE(one_line_error(konnx_cli(line(c, missing)), 66, missing));
        EXPECT_TRUE(one_line_error(konnx_cli(line(c, keras ? empty_h5 : empty_onnx)), 65, "empty."));
        EXPECT_TRUE(one_line_error(konnx_cli(line(c, keras ? corrupt_h5 : corrupt_onnx)), 65, "corrupt."));
    }
    // Keras models through the commands that take any model: zero-size and corrupt .h5 are data errors too.
    for (const char* cmd : {"run", "classify", "bench", "inspect"}) {
        SCOPED_TRACE(cmd);
        auto argv = std::vector<std::string>{cmd, empty_h5};
        if (std::string(cmd) == "classify") argv.push_back(image);
        EXPECT_TRUE(one_line_error(konnx_cli(argv), 65, "empty.h5"));
        argv[1] = corrupt_h5;
        EXPECT_TRUE(one_line_error(konnx_cli(argv), 65, "corrupt.h5"));
    }
}

TEST(CliEveryCommand, TopLevelUsage) {
    auto r = konnx_cli({});
    EXPECT_EQ(r.exit_code, 64);
    for (const char* cmd : {"convert", "run", "classify", "bench", "inspect"})
        EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd << " missing from: " << r.out;
    EXPECT_TRUE(one_line_error(konnx_cli({"--no-such-flag"}), 64, "--no-such-flag"));
    auto v = konnx_cli({"--version"});
    EXPECT_TRUE(clean_success(v));
    EXPECT_EQ(v.out.rfind("konnx ", 0), 0u);
    // -v logs on stderr without changing stdout; -q keeps warnings off stderr.
    const std::string image = (kFashion / "6_shirt_idx4.png").string();
    const std::string model = relu_model("gray28", {1, 28, 28, 1});
    auto quiet = konnx_cli({"classify", model, image, "-k", "1"});
    auto verbose = konnx_cli({"-v", "classify", model, image, "-k", "1"});
    EXPECT_EQ(quiet.exit_code, 0);
    EXPECT_EQ(verbose.exit_code, 0);
    EXPECT_EQ(quiet.out, verbose.out);
    EXPECT_EQ(quiet.err, "");
    EXPECT_NE(verbose.err.find("konnx: "), std::string::npos);
    auto warned = konnx_cli({"classify", model, image, "-k", "1", "--labels", "a,b"});  // 784 classes, 2 labels
    EXPECT_NE(warned.err.find("konnx: warning: "), std::string::npos) << warned.err;
    auto silenced = konnx_cli({"-q", "classify", model, image, "-k", "1", "--labels", "a,b"});
    EXPECT_EQ(silenced.err, "");
    EXPECT_EQ(silenced.out, warned.out);
}

TEST(CliClassifyImages, ZeroSizeAndCorruptImagesOfEveryFormat) {
    const std::string model = relu_model("rgb8", {1, 8, 8, 3});
    const std::string png = slurp(kFashion / "6_shirt_idx4.png"), bmp = slurp(kFashion / "6_shirt_idx4.bmp");
    ASSERT_GT(png.size(), 100u);
    ASSERT_GT(bmp.size(), 100u);
    struct Bad {
        std::string name, bytes;
    };
    std::string bad_bpp = bmp;
    bad_bpp[28] = 7;  // biBitCount 7: no such BMP
    const std::vector<Bad> bad = {
        {"zero.png", ""},
        {"zero.bmp", ""},
        {"zero.jpg", ""},
        {"zero.ppm", ""},
        {"half.png", png.substr(0, png.size() / 2)},     // IDAT cut in the middle, no IEND
        {"header_only.bmp", bmp.substr(0, 30)},          // cut inside the info header
        {"no_pixels.bmp", bmp.substr(0, 54 + 4 * 256)},  // headers and palette, no pixel rows
        {"bad_bpp.bmp", bad_bpp},
        {"soi_only.jpg", std::string("\xff\xd8\xff\xd9", 4)},  // JPEG start + end markers, no frame
        {"bad_maxval.pgm", "P5\n2 2\n0\n\x01\x02\x03\x04"},    // maxval 0
        {"png_magic_then_text.png", "\x89PNG\r\n\x1a\nthis is not a chunk"},
    };
    for (const auto& b : bad) {
        const std::string path = write(b.name, b.bytes);
        EXPECT_TRUE(one_line_error(konnx_cli({"classify", model, path}), 65, b.name)) << b.name;
    }
    // The first bad image stops the run before anything is printed for it; earlier results stay on stdout.
    const std::string good = (kFashion / "6_shirt_idx4.bmp").string();
    auto r = konnx_cli({"classify", model, good, (dir() / "zero.png").string()});
    EXPECT_EQ(r.exit_code, 65);
    EXPECT_EQ(r.out.rfind(good + "\n", 0), 0u) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 6) << r.out;
    EXPECT_NE(r.err.find("zero.png"), std::string::npos) << r.err;
}

TEST(CliClassifyImages, ChannelCountsAreAdaptedOrRejected) {
    // Gray+alpha (2 channels) PNG, written by Pillow: PIL's convert() rules say LA -> RGB replicates L and
    // drops alpha, LA -> L keeps L, LA -> RGBA gives (L, L, L, A).
    auto py = run_command({konnx::test::python(), "-c",
                           "from PIL import Image; im = Image.new('LA', (2, 1)); im.putpixel((0, 0), (40, 0)); "
                           "im.putpixel((1, 0), (60, 255)); im.save('" +
                               (dir() / "la.png").string() + "')"},
                          60);
    ASSERT_EQ(py.exit_code, 0) << "Pillow (.venv) could not write the image: " << py.err;
    const std::string la = (dir() / "la.png").string();
    // RGB model: scores 40,40,40,60,60,60; x 1/300 they sum to 1.
    auto r = konnx_cli({"classify", relu_model("rgb_1x2", {1, 1, 2, 3}), la, "--scale", "0.00333333333"});
    EXPECT_TRUE(clean_success(r));
    EXPECT_EQ(r.out, la + "\n    0.200  3\n    0.200  4\n    0.200  5\n    0.133  0\n    0.133  1\n");
    // Gray model: 40, 60 (x 0.01 = 0.4, 0.6).
    r = konnx_cli({"classify", relu_model("gray_1x2", {1, 1, 2, 1}), la, "--scale", "0.01"});
    EXPECT_TRUE(clean_success(r));
    EXPECT_EQ(r.out, la + "\n    0.600  1\n    0.400  0\n");
    // RGBA model: 40,40,40,0, 60,60,60,255 (x 1/555).
    r = konnx_cli({"classify", relu_model("rgba_1x2", {1, 1, 2, 4}), la, "--scale", "0.0018018018", "-k", "2"});
    EXPECT_TRUE(clean_success(r));
    EXPECT_EQ(r.out, la + "\n    0.459  7\n    0.108  4\n");
    // Models with a channel count no image has: 2 (NHWC and NCHW) or 5 channels.
    const std::string png = (kFashion / "6_shirt_idx4.png").string();
    for (const auto& [name, dims] : std::vector<std::pair<std::string, std::vector<int64_t>>>{
             {"two_nhwc", {1, 8, 8, 2}}, {"five_nhwc", {1, 8, 8, 5}}, {"two_nchw", {1, 2, 8, 8}}}) {
        EXPECT_TRUE(one_line_error(konnx_cli({"classify", relu_model(name, dims), png}), 65, "channel")) << name;
    }
    // Forcing a layout that puts 8 in the channel slot.
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", relu_model("rgb8c", {1, 8, 8, 3}), png, "--layout", "nchw"}), 65,
                               "channels"));
}

TEST(CliClassifyModels, InputsThatAreNotImages) {
    const std::string png = (kFashion / "6_shirt_idx4.png").string();
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", relu_model("vector", {1, 784}), png}), 65, "not 4-D"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", relu_model("video", {1, 4, 8, 8, 3}), png}), 65, "not 4-D"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", relu_model("two_inputs", {1, 8, 8, 3}, DType::kFloat32, 2), png}),
                               65, "2 inputs"));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", relu_model("batch4", {4, 8, 8, 3}), png}), 69, "batch of 4"));
    // A Keras model whose input is a feature vector: Dense(3) on [None, 4].
    const std::string dense = (dir() / "dense.h5").string();
    konnx::test::write_keras_h5(
        dense, nlohmann::json::parse(R"({"class_name":"Sequential","config":{"name":"s",
        "layers":[{"class_name":"Dense","config":{"name":"d","units":3,"activation":"softmax",
        "batch_input_shape":[null,4]}}]}})"),
        {{"d", {"kernel", "bias"}, {Tensor::zeros(DType::kFloat32, {4, 3}), Tensor::zeros(DType::kFloat32, {3})}}});
    auto r = konnx_cli({"classify", dense, png});
    EXPECT_TRUE(one_line_error(r, 65, "not 4-D"));
    EXPECT_NE(r.err.find("[N,H,W,C]"), std::string::npos) << r.err;  // says what classify needs
    // The same Dense model is fine for the commands that take any model.
    EXPECT_TRUE(clean_success(konnx_cli({"inspect", dense})));
    EXPECT_TRUE(clean_success(konnx_cli({"bench", dense, "--runs", "2", "--repeat", "1"})));
    EXPECT_TRUE(clean_success(konnx_cli({"-q", "run", dense, "--output-dir", (dir() / "dense_out").string()})));
}

TEST(CliEveryCommand, InputAndOutputFileErrors) {
    const std::string model = relu_model("rgb8", {1, 8, 8, 3});
    // run / bench --input: missing, zero-size and corrupt .npy files.
    const std::string empty_npy = write("empty.npy", ""), corrupt_npy = write("corrupt.npy", "\x93NUMPY\x01\x00zz");
    for (const char* cmd : {"run", "bench"}) {
        SCOPED_TRACE(cmd);
        EXPECT_TRUE(one_line_error(konnx_cli({cmd, model, "--input", "image=" + (dir() / "none.npy").string()}), 66,
                                   "none.npy"));
        EXPECT_TRUE(one_line_error(konnx_cli({cmd, model, "--input", "image=" + empty_npy}), 65, "empty.npy"));
        EXPECT_TRUE(one_line_error(konnx_cli({cmd, model, "--input", "image=" + corrupt_npy}), 65, "corrupt.npy"));
    }
    // Outputs that cannot be created: 73.
    const std::string blocker = write("a_file", "x");
    EXPECT_TRUE(one_line_error(
        konnx_cli({"convert", (kFashion / "fashion_mnist_cnn.h5").string(), "-o", blocker + "/sub/out.onnx"}), 73));
    EXPECT_TRUE(one_line_error(konnx_cli({"run", model, "--output-dir", blocker + "/sub"}), 73));
    EXPECT_TRUE(one_line_error(konnx_cli({"classify", model, (kFashion / "6_shirt_idx4.png").string(), "--save-input",
                                          blocker + "/sub/x.npy"}),
                               73));
}
