// SPDX-License-Identifier: MIT
// `konnx classify` on real classifiers agrees with onnxruntime fed konnx's own preprocessed tensor: same top-5
// classes and probabilities to 3 decimals (tools/classify_vs_ort.py). Models: torchvision exports from
// tools/prepare_model_tests.sh, the bundled Fashion-MNIST CNN and the seed's ResNet50 fish model
// (tools/node/make_seed_resnet50.mjs), both converted by `konnx convert` so onnxruntime runs konnx's ONNX.
// Needs onnxruntime-node (and the fixtures / TensorFlow.js); skipped with a reason otherwise.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "support/test_support.hpp"

namespace fs = std::filesystem;
using konnx::test::run_command;

namespace {

/// A 300x200 PPM of smooth seeded noise (something for the network to see; the classes do not matter).
std::string noise_ppm(const fs::path& dir) {
    const fs::path path = dir / "classify_noise.ppm";
    std::ofstream f(path, std::ios::binary);
    f << "P6\n300 200\n255\n";
    std::mt19937 rng(11);
    for (int y = 0; y < 200; ++y)
        for (int x = 0; x < 300; ++x)
            for (int c = 0; c < 3; ++c)
                f.put(static_cast<char>((x * (c + 1) + y * (3 - c) + static_cast<int>(rng() % 40)) & 255));
    return path.string();
}

class ClassifyVsOnnxRuntime : public ::testing::TestWithParam<std::string> {};

TEST_P(ClassifyVsOnnxRuntime, SameTop5) {
    const fs::path model =
        fs::path(konnx::test::binary_dir()) / "test-models" / "torchvision" / GetParam() / "model.onnx";
    if (!fs::exists(model)) GTEST_SKIP() << "fixture missing: run tools/prepare_model_tests.sh";
    const fs::path src = konnx::test::source_dir();
    std::vector<std::string> images = {noise_ppm(fs::path(konnx::test::binary_dir()) / "test-models")};
    const std::string shared = konnx::test::shared_dir();
    if (!shared.empty() && fs::exists(shared + "/seed/3_001_0.bmp")) images.push_back(shared + "/seed/3_001_0.bmp");
    for (const auto& image : images)
        for (const char* resize : {"nearest", "bilinear"}) {
            std::vector<std::string> argv = {konnx::test::python(),
                                             (src / "tools/classify_vs_ort.py").string(),
                                             konnx::test::cli_path(),
                                             model.string(),
                                             image,
                                             "--",
                                             "--preprocess",
                                             "torch",
                                             "--resize",
                                             resize};
            if (GetParam() != "inception_v3")  // 299x299; the others take torchvision's 256 -> 224 crop
                argv.insert(argv.end(), {"--size", "256x256", "--crop", "224x224"});
            auto r = run_command(argv, 300);
            EXPECT_EQ(r.exit_code, 0) << image << " " << resize << "\n" << r.out << r.err;
        }
}

INSTANTIATE_TEST_SUITE_P(Torchvision, ClassifyVsOnnxRuntime,
                         ::testing::Values("resnet18", "mobilenet_v2", "squeezenet1_1", "inception_v3"));

/// `konnx convert KERAS -o OUT`; fails the test on error.
void convert(const fs::path& keras, const fs::path& onnx) {
    auto r = run_command({konnx::test::cli_path(), "convert", keras.string(), "-o", onnx.string()}, 600);
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

/// tools/classify_vs_ort.py: the default (Keras load_img) preprocessing, then `flags`.
void expect_agrees_with_ort(const fs::path& model, const std::string& image, std::vector<std::string> flags = {}) {
    const fs::path src = konnx::test::source_dir();
    std::vector<std::string> argv = {konnx::test::python(), (src / "tools/classify_vs_ort.py").string(),
                                     konnx::test::cli_path(), model.string(), image};
    if (!flags.empty()) argv.push_back("--");
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto r = run_command(argv, 600);
    EXPECT_EQ(r.exit_code, 0) << image << "\n" << r.out << r.err;
    EXPECT_EQ(r.out.rfind("agree: ", 0), 0u) << r.out;
}

TEST(ClassifyVsOnnxRuntimeKeras, FashionMnistSamples) {
    const fs::path dir = fs::path(konnx::test::source_dir()) / "examples/fashion_mnist";
    const fs::path onnx = fs::path(konnx::test::binary_dir()) / "test-models" / "fashion_mnist_cnn.onnx";
    fs::create_directories(onnx.parent_path());
    convert(dir / "fashion_mnist_cnn.h5", onnx);
    int images = 0;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".png" || entry.path().extension() == ".bmp") {
            expect_agrees_with_ort(onnx, entry.path().string());
            ++images;
        }
    EXPECT_EQ(images, 12);
}

TEST(ClassifyVsOnnxRuntimeKeras, SeedFishResNet50) {
    const fs::path src = konnx::test::source_dir();
    // The same seeded model examples/fish/run.sh builds (real Keras: tf_keras writes the .h5); the script skips
    // the work when it is up to date.
    const fs::path dir = fs::path(konnx::test::binary_dir()) / "models" / "seed_resnet50";
    auto made = run_command({konnx::test::python(), (src / "tools/make_seed_resnet50.py").string(), dir.string()}, 900);
    ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
    const fs::path onnx = dir / "fish-resnet50.onnx";
    convert(dir / "seed_resnet50.h5", onnx);
    expect_agrees_with_ort(onnx, (src / "examples/fish/3_001_0.bmp").string());
    // With random weights the softmax saturates (1.000, then 0.000s); inputs scaled by 1e-3 give a spread top-5
    // (0.987 / 0.013 at the time of writing), so the probabilities are compared too, not only the winner.
    expect_agrees_with_ort(onnx, (src / "examples/fish/3_001_0.bmp").string(), {"--scale", "0.001"});
    expect_agrees_with_ort(onnx, noise_ppm(dir));
}

}  // namespace
