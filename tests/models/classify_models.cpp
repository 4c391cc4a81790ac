// SPDX-License-Identifier: MIT
// `konnx classify` on real classifiers (torchvision exports from tools/prepare_model_tests.sh) agrees with
// onnxruntime fed konnx's own preprocessed tensor: same top-5 classes and probabilities to 3 decimals
// (tools/classify_vs_ort.py). Needs the fixtures and onnxruntime-node; skipped with a reason otherwise.
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
    if (!fs::exists(src / "tools/node/node_modules/onnxruntime-node"))
        GTEST_SKIP() << "onnxruntime-node not installed (bash tools/install_deps.sh)";
    std::vector<std::string> images = {noise_ppm(fs::path(konnx::test::binary_dir()) / "test-models")};
    const std::string shared = konnx::test::shared_dir();
    if (!shared.empty() && fs::exists(shared + "/seed/3_001_0.bmp")) images.push_back(shared + "/seed/3_001_0.bmp");
    for (const auto& image : images)
        for (const char* resize : {"nearest", "bilinear"}) {
            std::vector<std::string> argv = {"/usr/bin/python3",
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

}  // namespace
