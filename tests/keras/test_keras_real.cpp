// SPDX-License-Identifier: MIT
// Every real Keras file in ../shared/keras-real converts to checker-valid ONNX (or, for the Lambda file,
// fails with one message listing every Lambda layer); the ONNX run in konnx's engine matches onnxruntime
// (atol 1e-5 + rtol 1e-4), and both match a TensorFlow.js run of the same Keras model and weights
// (tfjs-layers is Keras's own JS port) within atol 1e-4 + rtol 1e-3.
#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <filesystem>

#include "core/file.hpp"
#include "core/strings.hpp"
#include "keras/keras_parity.hpp"
#include "keras/model.hpp"
#include "konnx/error.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

namespace fs = std::filesystem;

struct RealFile {
    const char* file;
    const char* weights;  // for architecture JSON files
    bool tfjs;            // tfjs-layers can run this model (see the reason where false)
};

// tfjs-layers lacks: GRU reset_after (Keras 3 / tf.keras GRU default), Conv1DTranspose, RNN initial states
// fed from a second input in a functional graph built from JSON; nested models built from JSON.
const RealFile kFiles[] = {
    {"cse5393__embedding_gru_k2_0_4.h5", nullptr, true},
    {"djamaco__lrcn_timedistributed_tfk2_14.h5", nullptr, true},
    {"dl4j__batch_to_conv2d_tf_keras1.h5", nullptr, true},
    {"dl4j__bidirectional_lstm_tf_keras2.h5", nullptr, true},
    {"dl4j__conv2d_reshape_theano_keras2.h5", nullptr, true},
    {"dl4j__embedding_conv1d_extended_tf_keras2.h5", nullptr, true},
    {"dl4j__masking_zero_lstm.h5", nullptr, true},
    {"dl4j__simple_lstm_tf_keras2.h5", nullptr, true},
    {"dl4j__tfkeras_cnn2d_100_depthwise.h5", nullptr, true},
    {"dl4j__tfkeras_cnn2d_79_separable.h5", nullptr, true},
    {"dl4j__wgan_discriminator.h5", nullptr, true},
    {"fdeep__gru_initial_state.h5", nullptr, true},
    {"rsyamil__gan_nested_models.h5", nullptr, true},
    {"ahmethe__conv1d_transpose_autoencoder_k3_9.keras", nullptr, true},
    {"bisulelang__gru_forecast_k3_6.keras", nullptr, true},
    {"moonflower__mnist_cnn_k3_1.keras", nullptr, true},
    {"obaiz1__btc_lstm_k3_12.keras", nullptr, true},
    {"json_plus_weights/hls4ml__KERAS_3layer.json", "json_plus_weights/hls4ml__KERAS_3layer_weights.h5", true},
    {"json_plus_weights/keras2cpp__keras1_th_mnist_cnn.json",
     "json_plus_weights/keras2cpp__keras1_th_mnist_cnn_weights.h5", true},
};

std::string real_dir() {
    const std::string s = shared_dir();
    return s.empty() ? "" : s + "/keras-real";
}

class KerasReal : public ::testing::TestWithParam<RealFile> {};

TEST_P(KerasReal, ConvertsToValidOnnx) {
    if (real_dir().empty() || !fs::exists(real_dir())) GTEST_SKIP() << "../shared/keras-real is not present";
    const RealFile& f = GetParam();
    ConvertOptions opt;
    if (f.weights) opt.weights_path = real_dir() + "/" + f.weights;
    ConvertResult r = convert_keras(real_dir() + "/" + f.file, opt);
    onnx::ModelProto proto;
    ASSERT_TRUE(proto.ParseFromString(r.onnx_bytes));
    EXPECT_NO_THROW(onnx::checker::check_model(proto));
    EXPECT_EQ(proto.producer_name(), "konnx");
    EXPECT_GT(r.report.parameters, 0);
    std::cout << "[ info ] " << f.file << ": " << proto.graph().node_size() << " nodes, " << r.report.transposes_left
              << " transposes\n";
}

// The converted ONNX runs in onnxruntime and in konnx's engine on the same seeded inputs: konnx must equal
// onnxruntime within atol 1e-5 + rtol 1e-4, and both must equal tfjs within atol 1e-4 + rtol 1e-3 where
// tfjs-layers can run the model.
TEST_P(KerasReal, KonnxOnnxRuntimeAndTfjsAgree) {
    if (real_dir().empty() || !fs::exists(real_dir())) GTEST_SKIP() << "../shared/keras-real is not present";
    if (auto why = parity_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    const RealFile& f = GetParam();
    const std::string name = fs::path(f.file).stem().string();
    const std::string dir = binary_dir() + "/keras_parity/" + name;
    ConvertReport report;
    const std::string case_file = prepare_parity_case(
        real_dir() + "/" + f.file, f.weights ? real_dir() + "/" + f.weights : "", dir, 1e-4, 1e-3, {}, &report);
    const nlohmann::json result = run_parity_cases({case_file})[0];
    ASSERT_FALSE(result.contains("error")) << result.dump();
    EXPECT_EQ(result.value("ort", ""), "ok") << result.dump();
    for (const auto& o : result["outputs"])
        EXPECT_TRUE(o.value("finite", false)) << o.dump();
    const std::string tfjs = result.value("tfjs", "");
    std::cout << "[ info ] " << f.file << ": tfjs " << tfjs << " " << result["outputs"].dump() << "\n";

    const EngineCheck k = check_konnx_engine(case_file, {1e-4, 1e-3}, {1e-5, 1e-4});
    std::cout << "[ info ] " << f.file << " konnx: " << describe(k) << "\n";
    ASSERT_TRUE(k.error.empty()) << k.error;
    ASSERT_EQ(k.vs_ort.size(), result["outputs"].size());
    for (const auto& d : k.vs_ort) {
        EXPECT_TRUE(d.present) << d.name << ": no onnxruntime output saved";
        EXPECT_TRUE(d.pass) << "konnx vs onnxruntime, " << d.name << ": " << d.detail;
    }
    if (tfjs != "ok") {
        if (f.tfjs) ADD_FAILURE() << "tfjs could not run the model: " << tfjs;
        GTEST_SKIP() << "tfjs cannot run this model (" << tfjs << "); konnx matched onnxruntime";
    }
    for (const auto& o : result["outputs"])
        EXPECT_TRUE(o.value("pass", false)) << "onnxruntime vs tfjs: " << o.dump();
    for (const auto& d : k.vs_tfjs)
        EXPECT_TRUE(d.pass) << "konnx vs tfjs, " << d.name << ": " << d.detail;
}

INSTANTIATE_TEST_SUITE_P(Files, KerasReal, ::testing::ValuesIn(kFiles), [](const auto& info) {
    std::string n = fs::path(info.param.file).stem().string();
    for (auto& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
});

TEST(KerasRealLambda, FailsListingEveryLambda) {
    if (real_dir().empty() || !fs::exists(real_dir())) GTEST_SKIP() << "../shared/keras-real is not present";
    try {
        convert_keras(real_dir() + "/nnom__mnist_densenet_lambda.h5");
        FAIL() << "a model with Lambda layers converted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
        const std::string msg = e.what();
        for (int i = 1; i <= 13; ++i)
            EXPECT_NE(msg.find(cat("'lambda_", i, "' (Lambda")), std::string::npos) << msg;
        EXPECT_NE(msg.find("13 unsupported"), std::string::npos) << msg;
    }
}

}  // namespace
}  // namespace konnx::test
