// SPDX-License-Identifier: MIT
// What a new user runs first: examples/demo.sh (README's main job after install + build), the Fashion-MNIST
// model through `konnx classify` against TensorFlow.js's own outputs, and README's C++ API example.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <regex>
#include <sstream>

#include "core/npy.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using konnx::test::cli_path;
using konnx::test::run_command;

namespace {

std::string slurp(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

fs::path tmp_dir() {
    const fs::path d = fs::path(konnx::test::binary_dir()) / "test_tmp" / "examples";
    fs::create_directories(d);
    return d;
}

const fs::path kFashion = fs::path(KONNX_SOURCE_DIR) / "examples" / "fashion_mnist";
// Built by examples/api/CMakeLists.txt (konnx_tests depends on it).
const std::string kApiExample = std::string(KONNX_BINARY_DIR) + "/examples/api/konnx_api_example";

std::vector<std::string> labels() {
    std::vector<std::string> out;
    std::istringstream in(slurp(kFashion / "labels.txt"));
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

std::string three_decimals(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", p);
    return buf;
}

/// The seed's main.py output for `path` from tfjs's softmax: path, then the top 5 as "    0.998  label".
std::string expected_top5(const std::string& path, const std::vector<double>& probabilities) {
    const auto names = labels();
    std::vector<std::size_t> order(probabilities.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return probabilities[a] > probabilities[b]; });
    std::string text = path + "\n";
    for (std::size_t r = 0; r < 5; ++r)
        text += "    " + three_decimals(probabilities[order[r]]) + "  " + names.at(order[r]) + "\n";
    return text;
}

}  // namespace

// konnx classify on the bundled model, straight from .h5, from .keras and from the ONNX that `konnx convert`
// writes, prints exactly what Keras would: tfjs's softmax (reference_outputs.json, written at training time by
// TensorFlow.js) sorted and printed in the seed's format, for every PNG and BMP sample.
TEST(ExamplesFashionMnist, ClassifyMatchesTensorFlowJsTop5ForEveryModelFormat) {
    const auto ref = nlohmann::json::parse(slurp(kFashion / "reference_outputs.json"));
    ASSERT_EQ(labels().size(), 10u);
    std::vector<std::string> images;
    std::string expected;
    for (const auto& sample : ref["samples"]) {
        const auto probabilities = sample["probabilities"].get<std::vector<double>>();
        for (const char* kind : {"png", "bmp"}) {
            const std::string image = (kFashion / sample[kind].get<std::string>()).string();
            images.push_back(image);
            expected += expected_top5(image, probabilities);
        }
    }
    ASSERT_EQ(images.size(), 12u);
    const std::string onnx = (tmp_dir() / "fashion_mnist_cnn.onnx").string();
    auto c = run_command({cli_path(), "convert", (kFashion / "fashion_mnist_cnn.h5").string(), "-o", onnx});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    EXPECT_EQ(c.err, "");
    EXPECT_NE(c.out.find("parameters: 225034"), std::string::npos) << c.out;  // README: 225,034 parameters
    for (const std::string& model :
         {onnx, (kFashion / "fashion_mnist_cnn.h5").string(), (kFashion / "fashion_mnist_cnn.keras").string()}) {
        std::vector<std::string> argv = {cli_path(), "classify", model};
        argv.insert(argv.end(), images.begin(), images.end());
        argv.insert(argv.end(), {"--labels", (kFashion / "labels.txt").string()});
        auto r = run_command(argv, 300);
        EXPECT_EQ(r.exit_code, 0) << model << ": " << r.err;
        EXPECT_EQ(r.err, "") << model;
        EXPECT_EQ(r.out, expected) << model;
    }
}

// The demo prints every sample in the seed's format, checks each true label (samples.txt) is ranked first,
// and benches; with wrong labels its own check must fail.
TEST(ExamplesDemo, ClassifiesEverySampleCorrectlyAndFailsWhenALabelIsWrong) {
    const std::string demo = (fs::path(KONNX_SOURCE_DIR) / "examples" / "demo.sh").string();
    auto r = run_command({"/bin/bash", demo, cli_path()}, 300);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    // 12 result blocks: a path line, then 5 lines "    d.ddd  label".
    const std::regex block(
        R"(examples/fashion_mnist/[0-9]_[a-z_]+_idx[0-9]\.(png|bmp)\n(    [01]\.[0-9]{3}  [^\n]+\n){5})");
    const auto n = std::distance(std::sregex_iterator(r.out.begin(), r.out.end(), block), std::sregex_iterator());
    EXPECT_EQ(n, 12) << r.out;
    EXPECT_NE(r.out.find("all 12 images classified correctly"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("    0.993  Ankle boot\n"), std::string::npos) << r.out;  // tfjs: 0.993245
    for (const char* needle : {"converted ", "repeat 3", "p50", "throughput"})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;

    // Labels rotated by one: every top-1 now names the wrong class.
    auto names = labels();
    std::rotate(names.begin(), names.begin() + 1, names.end());
    const fs::path wrong = tmp_dir() / "rotated_labels.txt";
    std::ofstream(wrong) << [&] {
        std::string s;
        for (const auto& n : names)
            s += n + "\n";
        return s;
    }();
    r = run_command({"/usr/bin/env", "KONNX_DEMO_LABELS=" + wrong.string(), "/bin/bash", demo, cli_path()}, 300);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.err.find("demo: FAILED: 12 of 12 images misclassified"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("p50"), std::string::npos) << "bench must not run after a failed check";
}

// README's C++ API example is examples/api/main.cpp verbatim (so the README's code compiles: CMake builds it).
TEST(ExamplesApi, ReadmeShowsExactlyExamplesApiMainCpp) {
    const std::string readme = slurp(fs::path(KONNX_SOURCE_DIR) / "README.md");
    const auto section = readme.find("## C++ API");
    ASSERT_NE(section, std::string::npos);
    const auto open = readme.find("```cpp\n", section);
    ASSERT_NE(open, std::string::npos);
    const auto close = readme.find("```\n", open + 7);
    ASSERT_NE(close, std::string::npos);
    EXPECT_EQ(readme.substr(open + 7, close - open - 7), slurp(fs::path(KONNX_SOURCE_DIR) / "examples/api/main.cpp"));
}

// The example converts the Fashion model and runs a black image; onnxruntime on the same ONNX file and input
// must give the same class and probability.
TEST(ExamplesApi, RunsAndAgreesWithOnnxRuntime) {
    const fs::path onnx = tmp_dir() / "api_example.onnx";
    fs::remove(onnx);
    auto r = run_command({kApiExample, (kFashion / "fashion_mnist_cnn.h5").string(), onnx.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(r.out, m, std::regex(R"((\S+): class ([0-9]) p=([0-9.e-]+) of 10\n)"))) << r.out;
    const int ours_class = std::stoi(m[2]);
    const double ours_p = std::stod(m[3]);

    auto missing = run_command({kApiExample, (tmp_dir() / "nope.h5").string(), onnx.string()});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("nope.h5"), std::string::npos) << missing.err;
    EXPECT_EQ(missing.out, "");

    const fs::path src = konnx::test::source_dir();
    const fs::path x = tmp_dir() / "api_black.npy";
    konnx::write_npy(x.string(), konnx::Tensor::zeros(konnx::DType::kFloat32, {1, 28, 28, 1}));
    const fs::path out = tmp_dir() / "api_ort";
    auto o = run_command({konnx::test::python(), (src / "tools/ort_run.py").string(), onnx.string(), "--input",
                          m[1].str() + "=" + x.string(), "--output-dir", out.string(), "--json"},
                         120);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto info = nlohmann::json::parse(o.out);
    const auto& first = info["outputs"][0];
    const konnx::Tensor theirs =
        konnx::read_npy(first.contains("file") ? first["file"].get<std::string>()
                                               : (out / (first["name"].get<std::string>() + ".npy")).string());
    const auto p = theirs.span<float>();
    const auto best = std::max_element(p.begin(), p.end()) - p.begin();
    EXPECT_EQ(ours_class, best);
    EXPECT_NEAR(ours_p, p[static_cast<std::size_t>(best)], 1e-5);  // printed with 6 significant digits
}
