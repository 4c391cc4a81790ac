// SPDX-License-Identifier: MIT
// .keras zips written here in the three weight layouts konnx must read: Keras 3.0-3.5 (`layers/<snake>`
// found by replaying Keras's per-class counting), Keras >= 3.6 (`vars` groups carry the layer name) and
// TF 2.12-2.15 tf_keras (`_layer_checkpoint_dependencies/<layer name>`), with a nested Sequential inside a
// Functional model (Keras 3 node indices start at 1 for it). Checks which weights land in which layer.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <zip.h>

#include <filesystem>
#include <fstream>

#include "keras/h5_writer.hpp"
#include "konnx/convert.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

namespace fs = std::filesystem;

const char* kConfig = R"({"module":"keras","class_name":"Functional","config":{"name":"outer","layers":[
 {"module":"keras.layers","class_name":"InputLayer","name":"x","config":{"batch_shape":[null,3],"dtype":"float32",
  "name":"x"},"inbound_nodes":[]},
 {"module":"keras","class_name":"Sequential","name":"inner","config":{"name":"inner","layers":[
   {"module":"keras.layers","class_name":"InputLayer","config":{"batch_shape":[null,3],"dtype":"float32","name":"inner_in"}},
   {"module":"keras.layers","class_name":"Dense","config":{"name":"d1","units":2,"activation":"relu"}}]},
  "inbound_nodes":[{"args":[{"class_name":"__keras_tensor__","config":{"shape":[null,3],"dtype":"float32",
   "keras_history":["x",0,0]}}],"kwargs":{}}]},
 {"module":"keras.layers","class_name":"Dense","name":"d2","config":{"name":"d2","units":1,
   "dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"}}},
  "inbound_nodes":[{"args":[{"class_name":"__keras_tensor__","config":{"shape":[null,2],"dtype":"float32",
   "keras_history":["inner",1,0]}}],"kwargs":{}}]}],
 "input_layers":[["x",0,0]],"output_layers":[["d2",0,0]]}})";

const std::vector<float> kW1 = {1, 2, 3, 4, 5, 6}, kB1 = {0.5f, -0.5f}, kW2 = {7, 8}, kB2 = {9};

enum class Layout { kKeras30, kKeras36, kTfKeras213 };

std::string write_zip(Layout layout, const std::string& name) {
    const std::string dir = binary_dir() + "/keras_zip";
    fs::create_directories(dir);
    const std::string h5 = dir + "/" + name + ".weights.h5";
    {
        H5Writer w(h5);
        const bool tf = layout == Layout::kTfKeras213;
        const std::string L = tf ? "/_layer_checkpoint_dependencies/" : "/layers/";
        const std::string inner = L + (tf ? "inner" : "sequential") + L + (tf ? "d1" : "dense");
        const std::string outer = L + (tf ? "d2" : "dense");
        w.dataset(inner + "/vars/0", Tensor::from_vector<float>({3, 2}, kW1));
        w.dataset(inner + "/vars/1", Tensor::from_vector<float>({2}, kB1));
        w.dataset(outer + "/vars/0", Tensor::from_vector<float>({2, 1}, kW2));
        w.dataset(outer + "/vars/1", Tensor::from_vector<float>({1}, kB2));
        w.group("/optimizer/vars");
        if (layout == Layout::kKeras36) {
            w.attr_string(inner + "/vars", "name", "d1");
            w.attr_string(outer + "/vars", "name", "d2");
            w.attr_string(L + "sequential/vars", "name", "inner");
        }
    }
    std::ifstream in(h5, std::ios::binary);
    const std::string weights((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string meta = layout == Layout::kTfKeras213 ? R"({"keras_version":"2.13.1"})"
                             : layout == Layout::kKeras30  ? R"({"keras_version":"3.0.5"})"
                                                           : R"({"keras_version":"3.6.0"})";
    const std::string config = kConfig;
    const std::string path = dir + "/" + name + ".keras";
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    EXPECT_NE(z, nullptr);
    for (const auto& [member, data] : std::vector<std::pair<std::string, const std::string*>>{
             {"metadata.json", &meta}, {"config.json", &config}, {"model.weights.h5", &weights}}) {
        zip_source_t* src = zip_source_buffer(z, data->data(), data->size(), 0);
        EXPECT_GE(zip_file_add(z, member.c_str(), src, ZIP_FL_OVERWRITE), 0);
    }
    EXPECT_EQ(zip_close(z), 0);
    return path;
}

std::vector<float> initializer(const onnx::ModelProto& m, const std::string& name) {
    for (const auto& t : m.graph().initializer())
        if (t.name() == name) {
            std::vector<float> v(t.raw_data().size() / 4);
            std::memcpy(v.data(), t.raw_data().data(), v.size() * 4);
            return v;
        }
    return {};
}

class KerasZip : public ::testing::TestWithParam<Layout> {};

TEST_P(KerasZip, WeightsLandInTheirLayers) {
    const std::string path = write_zip(GetParam(), "layout" + std::to_string(static_cast<int>(GetParam())));
    ConvertResult r = convert_keras(path);
    onnx::ModelProto m;
    ASSERT_TRUE(m.ParseFromString(r.onnx_bytes));
    EXPECT_EQ(r.report.parameters, 11);
    EXPECT_EQ(initializer(m, "d1/kernel"), kW1);
    EXPECT_EQ(initializer(m, "d1/bias"), kB1);
    EXPECT_EQ(initializer(m, "d2/kernel"), kW2);
    EXPECT_EQ(initializer(m, "d2/bias"), kB2);
    ASSERT_EQ(m.graph().input_size(), 1);
    EXPECT_EQ(m.graph().input(0).name(), "x");
    ASSERT_EQ(m.graph().output_size(), 1);
    EXPECT_EQ(m.graph().output(0).name(), "d2");
}

INSTANTIATE_TEST_SUITE_P(Layouts, KerasZip, ::testing::Values(Layout::kKeras30, Layout::kKeras36, Layout::kTfKeras213));

TEST(KerasZipErrors, NotAZipOrMissingMembers) {
    const std::string dir = binary_dir() + "/keras_zip";
    fs::create_directories(dir);
    std::ofstream(dir + "/bad.keras") << "PK this is not really a zip";
    EXPECT_THROW(convert_keras(dir + "/bad.keras"), Error);
    int err = 0;
    zip_t* z = zip_open((dir + "/empty.keras").c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    const std::string meta = R"({"keras_version":"3.6.0"})";
    zip_file_add(z, "metadata.json", zip_source_buffer(z, meta.data(), meta.size(), 0), 0);
    zip_close(z);
    try {
        convert_keras(dir + "/empty.keras");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidModel);
        EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace konnx::test

namespace konnx::test {
namespace {

/// Keras 3 Bidirectional: `layers/bidirectional/{forward_layer,backward_layer}/cell/vars/<i>` (the backward
/// layer is serialized in the config too). Forward weights must go to ONNX direction 0.
TEST(KerasZipBidirectional, ForwardThenBackward) {
    const std::string dir = binary_dir() + "/keras_zip";
    fs::create_directories(dir);
    const std::string h5 = dir + "/bidi.weights.h5";
    const int64_t in = 3, u = 2;
    {
        H5Writer w(h5);
        for (const auto& [d, v] :
             std::vector<std::pair<std::string, float>>{{"forward_layer", 1.0f}, {"backward_layer", 2.0f}}) {
            const std::string g = "/layers/bidirectional/" + d + "/cell/vars/";
            w.dataset(g + "0", Tensor::from_vector<float>({in, 4 * u}, std::vector<float>(in * 4 * u, v)));
            w.dataset(g + "1", Tensor::from_vector<float>({u, 4 * u}, std::vector<float>(u * 4 * u, v + 10)));
            w.dataset(g + "2", Tensor::from_vector<float>({4 * u}, std::vector<float>(4 * u, v + 20)));
            w.attr_string(g, "name", d == "forward_layer" ? "forward_lstm_cell" : "backward_lstm_cell");
        }
    }
    std::ifstream fin(h5, std::ios::binary);
    const std::string weights((std::istreambuf_iterator<char>(fin)), std::istreambuf_iterator<char>());
    const std::string meta = R"({"keras_version":"3.8.0"})";
    const std::string config = R"({"module":"keras","class_name":"Sequential","config":{"name":"s","layers":[
      {"module":"keras.layers","class_name":"InputLayer","config":{"batch_shape":[null,5,3],"name":"inp"}},
      {"module":"keras.layers","class_name":"Bidirectional","config":{"name":"bidi","merge_mode":"concat",
        "layer":{"module":"keras.layers","class_name":"LSTM","config":{"name":"forward_lstm","units":2,
          "return_sequences":true,"go_backwards":false}},
        "backward_layer":{"module":"keras.layers","class_name":"LSTM","config":{"name":"backward_lstm","units":2,
          "return_sequences":true,"go_backwards":true}}}}]}})";
    const std::string path = dir + "/bidi.keras";
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    ASSERT_NE(z, nullptr);
    for (const auto& [member, data] : std::vector<std::pair<std::string, const std::string*>>{
             {"metadata.json", &meta}, {"config.json", &config}, {"model.weights.h5", &weights}})
        zip_file_add(z, member.c_str(), zip_source_buffer(z, data->data(), data->size(), 0), ZIP_FL_OVERWRITE);
    ASSERT_EQ(zip_close(z), 0);

    ConvertResult r = convert_keras(path);
    onnx::ModelProto m;
    ASSERT_TRUE(m.ParseFromString(r.onnx_bytes));
    const auto W = initializer(m, "bidi/W"), R = initializer(m, "bidi/R"), B = initializer(m, "bidi/B");
    ASSERT_EQ(W.size(), static_cast<std::size_t>(2 * 4 * u * in));
    const std::size_t half = W.size() / 2;
    for (std::size_t i = 0; i < W.size(); ++i)
        EXPECT_EQ(W[i], i < half ? 1.0f : 2.0f) << i;
    for (std::size_t i = 0; i < R.size(); ++i)
        EXPECT_EQ(R[i], i < R.size() / 2 ? 11.0f : 12.0f) << i;
    // B = [Wb (4u), Rb = 0 (4u)] per direction
    ASSERT_EQ(B.size(), static_cast<std::size_t>(2 * 8 * u));
    EXPECT_EQ(B[0], 21.0f);
    EXPECT_EQ(B[4 * u], 0.0f);
    EXPECT_EQ(B[8 * u], 22.0f);
    ASSERT_EQ(m.graph().output_size(), 1);
    const auto& dims = m.graph().output(0).type().tensor_type().shape().dim();
    ASSERT_EQ(dims.size(), 3);
    EXPECT_EQ(dims[2].dim_value(), 2 * u);
}

}  // namespace
}  // namespace konnx::test
