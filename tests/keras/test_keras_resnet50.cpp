// SPDX-License-Identifier: MIT
// The seed's model: keras.applications ResNet50 (include_top=False, 224x224x3, the layer names and
// structure of keras_applications/resnet50.py) + Flatten + Dropout(0.5) + Dense(42, softmax, "softmax"),
// written here as a Keras 2 .h5 with random weights (~110 MB, no node needed). Conversion must leave at
// most one Transpose (none with inputs_as_nchw). The numeric test uses the tfjs-built seed file instead.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "keras/h5_writer.hpp"
#include "keras/keras_parity.hpp"
#include "konnx/convert.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Builder {
    json layers = json::array();
    std::vector<KerasWeights> weights;
    std::mt19937 rng{42};

    Tensor random(Shape s, float scale, float offset = 0) {
        Tensor t = Tensor::empty(DType::kFloat32, s);
        std::normal_distribution<float> n(0, 1);
        for (auto& v : t.span<float>())
            v = offset + scale * n(rng);
        return t;
    }
    std::string add(const std::string& cls, const std::string& name, json config, const std::vector<std::string>& in) {
        config["name"] = name;
        json node = json::array();
        for (const auto& i : in)
            node.push_back({i, 0, 0, json::object()});
        layers.push_back({{"name", name},
                          {"class_name", cls},
                          {"config", config},
                          {"inbound_nodes", in.empty() ? json::array() : json::array({node})}});
        return name;
    }
    std::string conv(const std::string& name, const std::string& in, int64_t cin, int64_t filters, int64_t k,
                     int64_t stride = 1, const std::string& padding = "valid") {
        add("Conv2D", name,
            {{"filters", filters},
             {"kernel_size", {k, k}},
             {"strides", {stride, stride}},
             {"padding", padding},
             {"data_format", "channels_last"},
             {"use_bias", true},
             {"activation", "linear"}},
            {in});
        const float scale = std::sqrt(2.0f / static_cast<float>(k * k * cin));
        weights.push_back({name, {"kernel", "bias"}, {random({k, k, cin, filters}, scale), random({filters}, 0.01f)}});
        return name;
    }
    std::string bn(const std::string& name, const std::string& in, int64_t c) {
        add("BatchNormalization", name, {{"axis", 3}, {"epsilon", 1.001e-5}, {"momentum", 0.99}}, {in});
        Tensor var = random({c}, 0.1f, 1.0f);
        for (auto& v : var.span<float>())
            v = std::abs(v);
        weights.push_back({name,
                           {"gamma", "beta", "moving_mean", "moving_variance"},
                           {random({c}, 0.1f, 1.0f), random({c}, 0.1f), random({c}, 0.1f), var}});
        return name;
    }
    std::string relu(const std::string& name, const std::string& in) {
        return add("Activation", name, {{"activation", "relu"}}, {in});
    }
    std::string block(const std::string& in, int64_t cin, int64_t filters, int64_t stride, bool conv_shortcut,
                      const std::string& name) {
        std::string shortcut = in;
        if (conv_shortcut) {
            shortcut = conv(name + "_0_conv", in, cin, 4 * filters, 1, stride);
            shortcut = bn(name + "_0_bn", shortcut, 4 * filters);
        }
        std::string x = conv(name + "_1_conv", in, cin, filters, 1, stride);
        x = relu(name + "_1_relu", bn(name + "_1_bn", x, filters));
        x = conv(name + "_2_conv", x, filters, filters, 3, 1, "same");
        x = relu(name + "_2_relu", bn(name + "_2_bn", x, filters));
        x = bn(name + "_3_bn", conv(name + "_3_conv", x, filters, 4 * filters, 1), 4 * filters);
        x = add("Add", name + "_add", json::object(), {shortcut, x});
        return relu(name + "_out", x);
    }
    std::string stack(std::string x, int64_t cin, int64_t filters, int blocks, int64_t stride,
                      const std::string& name) {
        x = block(x, cin, filters, stride, true, name + "_block1");
        for (int i = 2; i <= blocks; ++i)
            x = block(x, 4 * filters, filters, 1, false, name + "_block" + std::to_string(i));
        return x;
    }
};

json resnet50_head(std::vector<KerasWeights>& weights, const std::string& head_activation) {
    Builder b;
    b.add("InputLayer", "input_1", {{"batch_input_shape", {nullptr, 224, 224, 3}}, {"dtype", "float32"}}, {});
    std::string x = b.add("ZeroPadding2D", "conv1_pad", {{"padding", {{3, 3}, {3, 3}}}}, {"input_1"});
    x = b.conv("conv1_conv", x, 3, 64, 7, 2);
    x = b.relu("conv1_relu", b.bn("conv1_bn", x, 64));
    x = b.add("ZeroPadding2D", "pool1_pad", {{"padding", {{1, 1}, {1, 1}}}}, {x});
    x = b.add("MaxPooling2D", "pool1_pool", {{"pool_size", {3, 3}}, {"strides", {2, 2}}, {"padding", "valid"}}, {x});
    x = b.stack(x, 64, 64, 3, 1, "conv2");
    x = b.stack(x, 256, 128, 4, 2, "conv3");
    x = b.stack(x, 512, 256, 6, 2, "conv4");
    x = b.stack(x, 1024, 512, 3, 2, "conv5");
    x = b.add("Flatten", "flatten", json::object(), {x});
    x = b.add("Dropout", "dropout", {{"rate", 0.5}}, {x});
    b.add("Dense", "softmax", {{"units", 42}, {"activation", head_activation}}, {x});
    b.weights.push_back({"softmax", {"kernel", "bias"}, {b.random({7 * 7 * 2048, 42}, 0.002f), b.random({42}, 0.01f)}});
    weights = std::move(b.weights);
    return {{"class_name", "Model"},
            {"config",
             {{"name", "resnet50_head"},
              {"layers", b.layers},
              {"input_layers", {{"input_1", 0, 0}}},
              {"output_layers", {{"softmax", 0, 0}}}}}};
}

std::string resnet_file(const std::string& dir, const std::string& head_activation) {
    const std::string h5 = dir + "/resnet50_" + head_activation + ".h5";
    if (!fs::exists(h5)) {
        std::vector<KerasWeights> weights;
        const json model = resnet50_head(weights, head_activation);
        write_keras_h5(h5 + ".tmp", model, weights, "2.2.4");
        fs::rename(h5 + ".tmp", h5);
    }
    return h5;
}

TEST(KerasResNet50, ConvertsFastWithoutTransposes) {
    const std::string dir = binary_dir() + "/keras_resnet50";
    fs::create_directories(dir);
    const std::string h5 = resnet_file(dir, "softmax");
    const auto t0 = std::chrono::steady_clock::now();
    ConvertResult r = convert_keras(h5);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "[ info ] ResNet50 (" << fs::file_size(h5) / 1e6 << " MB, " << r.report.parameters
              << " parameters): converted in " << secs << " s, " << r.report.transposes_left << " Transpose(s)\n";
    EXPECT_LE(r.report.transposes_left, 1);  // the NHWC input
    ConvertOptions nchw;
    nchw.inputs_as_nchw = {"input_1"};
    EXPECT_EQ(convert_keras(h5, nchw).report.transposes_left, 0);
}

// Numerics on the seed's model as TensorFlow.js builds it (tools/node/make_seed_resnet50.mjs: the same
// keras.applications names and structure, seeded weights, written by tools/keras_writer.py as a tf.keras .h5
// and a Keras 3 .keras), with a linear head: with random weights the softmax saturates to 0/1 and would hide
// differences, the logits (magnitude ~2000) do not. onnxruntime and konnx's engine must both match tfjs within
// atol 1e-4 + rtol 1e-3 on the .h5; the .keras (same model and weights, same seeded input) must give konnx the
// same logits against that tfjs reference.
TEST(KerasResNet50, SeedModelMatchesTfjsInOnnxRuntimeAndKonnx) {
    if (auto why = parity_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    const std::string dir = binary_dir() + "/keras_resnet50/seed";
    fs::create_directories(dir);
    const auto made = run_command(
        {"/usr/bin/env", "node", source_dir() + "/tools/node/make_seed_resnet50.mjs", dir, "--head", "linear"}, 600);
    ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
    ConvertOptions one;
    one.batch_size = 1;
    const std::string h5_case =
        prepare_parity_case(dir + "/seed_resnet50_linear.h5", "", dir + "/parity_h5", 1e-4, 1e-3, one, nullptr);
    const nlohmann::json result = run_parity_cases({h5_case})[0];
    std::cout << "[ info ] ResNet50 parity: " << result.dump() << "\n";
    ASSERT_EQ(result.value("tfjs", ""), "ok") << result.dump();
    for (const auto& o : result["outputs"])
        EXPECT_TRUE(o.value("pass", false)) << "onnxruntime vs tfjs: " << o.dump();
    const EngineCheck k = check_konnx_engine(h5_case, {1e-4, 1e-3}, {1e-4, 1e-3});
    std::cout << "[ info ] ResNet50 .h5 konnx: " << describe(k) << "\n";
    EXPECT_TRUE(konnx_matches_tfjs(k));

    const std::string keras_case =
        prepare_parity_case(dir + "/seed_resnet50_linear.keras", "", dir + "/parity_keras", 1e-4, 1e-3, one, nullptr);
    fs::copy_file(dir + "/parity_h5/tfjs_0.npy", dir + "/parity_keras/tfjs_0.npy",
                  fs::copy_options::overwrite_existing);
    const EngineCheck k3 = check_konnx_engine(keras_case, {1e-4, 1e-3}, {1e-4, 1e-3});
    std::cout << "[ info ] ResNet50 .keras konnx: " << describe(k3) << "\n";
    EXPECT_TRUE(konnx_matches_tfjs(k3));
}

}  // namespace
}  // namespace konnx::test
