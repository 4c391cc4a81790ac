// SPDX-License-Identifier: MIT
// Layers TensorFlow.js lacks (so no tfjs reference): they must convert to checker-valid ONNX (shape
// inference included) that onnxruntime runs to finite outputs of the Keras shape, and konnx's engine must
// agree with onnxruntime (atol 1e-5 + rtol 1e-4). Also the CLI. The independent Keras reference for these
// layers (a numpy transcription of Keras's math) is in test_keras_numpy_reference.cpp.
#include <gtest/gtest.h>

#include <filesystem>

#include "keras/h5_writer.hpp"
#include "keras/keras_parity.hpp"
#include "konnx/convert.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string dir_for(const std::string& name) {
    const std::string d = binary_dir() + "/keras_convert_only/" + name;
    fs::create_directories(d);
    return d;
}

KerasWeights weights(const std::string& layer, std::vector<Shape> shapes) {
    return sequence_weights(layer, std::move(shapes), 0.1f, 0.013f);
}

struct Case {
    const char* name;
    const char* model;
    std::vector<KerasWeights> weights;
    std::vector<int64_t> out_shape;  // with batch 2
};

std::vector<Case> cases() {
    return {
        {"layers_1d",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"ZeroPadding1D","config":{"name":"zp","batch_input_shape":[null,6,3],"padding":[1,2]}},
            {"class_name":"Conv1D","config":{"name":"c","filters":4,"kernel_size":3,"padding":"causal","dilation_rate":2}},
            {"class_name":"Cropping1D","config":{"name":"cr","cropping":[1,1]}},
            {"class_name":"UpSampling1D","config":{"name":"up","size":2}},
            {"class_name":"SeparableConv1D","config":{"name":"sep","filters":2,"kernel_size":3,"padding":"same",
              "depth_multiplier":2}},
            {"class_name":"Conv1DTranspose","config":{"name":"ct","filters":3,"kernel_size":3,"strides":2,
              "padding":"same","output_padding":1}},
            {"class_name":"UnitNormalization","config":{"name":"un","axis":-1}},
            {"class_name":"GlobalMaxPooling1D","config":{"name":"g","keepdims":true}}]}})",
         {weights("c", {{3, 3, 4}, {4}}), weights("sep", {{3, 4, 2}, {1, 8, 2}, {2}}), weights("ct", {{3, 3, 2}, {3}})},
         {2, 1, 3}},
        {"layers_3d",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"ZeroPadding3D","config":{"name":"zp","batch_input_shape":[null,3,4,5,2],"padding":[1,1,1]}},
            {"class_name":"Cropping3D","config":{"name":"cr","cropping":[[1,0],[0,1],[1,1]]}},
            {"class_name":"UpSampling3D","config":{"name":"up","size":[1,2,1]}},
            {"class_name":"Conv3DTranspose","config":{"name":"ct","filters":2,"kernel_size":2,"strides":2,
              "padding":"valid"}},
            {"class_name":"GroupNormalization","config":{"name":"gn","groups":2,"epsilon":0.001}},
            {"class_name":"GlobalAveragePooling3D","config":{"name":"g"}}]}})",
         {weights("ct", {{2, 2, 2, 2, 2}, {2}}), weights("gn", {{2}, {2}})},
         {2, 2}},
        {"normalization",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"Normalization","config":{"name":"n","batch_input_shape":[null,4,3],"axis":-1}}]}})",
         {KerasWeights{"n",
                       {"mean", "variance", "count"},
                       {Tensor::from_vector<float>({3}, {0.5f, -1, 2}), Tensor::from_vector<float>({3}, {4, 0.25f, 1}),
                        Tensor::from_vector<float>({}, {10})}}},
         {2, 4, 3}},
        {"einsum_dense",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"EinsumDense","config":{"name":"ed","batch_input_shape":[null,4,5],"equation":"abc,cd->abd",
              "output_shape":[null,3],"bias_axes":"d","activation":"relu"}}]}})",
         {weights("ed", {{5, 3}, {3}})},
         {2, 4, 3}},
        {"category_encoding",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"ids","class_name":"InputLayer","config":{"name":"ids","batch_input_shape":[null,3]},"inbound_nodes":[]},
            {"name":"mh","class_name":"CategoryEncoding","config":{"name":"mh","num_tokens":6,"output_mode":"multi_hot"},
             "inbound_nodes":[[["ids",0,0,{}]]]},
            {"name":"ct","class_name":"CategoryEncoding","config":{"name":"ct","num_tokens":6,"output_mode":"count"},
             "inbound_nodes":[[["ids",0,0,{}]]]},
            {"name":"add","class_name":"Add","config":{"name":"add"},"inbound_nodes":[[["mh",0,0,{}],["ct",0,0,{}]]]}],
           "input_layers":[["ids",0,0]],"output_layers":[["add",0,0]]}})",
         {},
         {2, 6}},
        {"time_distributed_unknown_time",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"TimeDistributed","config":{"name":"td","batch_input_shape":[null,null,4,4,2],
              "layer":{"class_name":"Conv2D","config":{"name":"c","filters":3,"kernel_size":[3,3]}}}},
            {"class_name":"TimeDistributed","config":{"name":"td2",
              "layer":{"class_name":"GlobalAveragePooling2D","config":{"name":"g"}}}},
            {"class_name":"LSTM","config":{"name":"l","units":2,"return_sequences":true}}]}})",
         {weights("td", {{3, 3, 2, 3}, {3}}), weights("l", {{3, 8}, {2, 8}, {8}})},
         {2, 5, 2}},
        {"subtract_resizing_masking",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"a","class_name":"InputLayer","config":{"name":"a","batch_input_shape":[null,5,5,3]},"inbound_nodes":[]},
            {"name":"rz","class_name":"Resizing","config":{"name":"rz","height":8,"width":6,"interpolation":"bilinear"},
             "inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"rn","class_name":"Resizing","config":{"name":"rn","height":8,"width":6,"interpolation":"nearest"},
             "inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"sub","class_name":"Subtract","config":{"name":"sub"},"inbound_nodes":[[["rz",0,0,{}],["rn",0,0,{}]]]},
            {"name":"dw","class_name":"DepthwiseConv1D","config":{"name":"dw","kernel_size":2,"depth_multiplier":2},
             "inbound_nodes":[[["r1",0,0,{}]]]},
            {"name":"r1","class_name":"Reshape","config":{"name":"r1","target_shape":[-1,3]},
             "inbound_nodes":[[["sub",0,0,{}]]]},
            {"name":"mk","class_name":"Masking","config":{"name":"mk","mask_value":0.0},"inbound_nodes":[[["dw",0,0,{}]]]},
            {"name":"gru","class_name":"GRU","config":{"name":"gru","units":2,"reset_after":true},
             "inbound_nodes":[[["mk",0,0,{}]]]}],
           "input_layers":[["a",0,0]],"output_layers":[["gru",0,0]]}})",
         {weights("dw", {{2, 3, 2}, {6}}), weights("gru", {{6, 6}, {2, 6}, {2, 6}})},
         {2, 2}},
    };
}

TEST(KerasConvertOnly, ConvertsAndRunsInOnnxRuntime) {
    const bool ort = parity_unavailable_reason().empty();
    std::vector<std::string> files;
    const auto cs = cases();
    for (const auto& c : cs) {
        const std::string d = dir_for(c.name);
        write_keras_h5(d + "/model.h5", json::parse(c.model), c.weights, "3.6.0");
        ConvertReport rep;
        ASSERT_NO_THROW(files.push_back(prepare_parity_case(d + "/model.h5", "", d, 1e-4, 1e-3, {}, &rep))) << c.name;
    }
    if (!ort) GTEST_SKIP() << parity_unavailable_reason();
    const auto res = run_parity_cases(files);
    for (std::size_t i = 0; i < cs.size(); ++i) {
        SCOPED_TRACE(cs[i].name);
        ASSERT_FALSE(res[i].contains("error")) << res[i].dump();
        EXPECT_EQ(res[i].value("ort", ""), "ok");
        ASSERT_EQ(res[i]["outputs"].size(), 1u);
        EXPECT_TRUE(res[i]["outputs"][0].value("finite", false));
        EXPECT_EQ(res[i]["outputs"][0]["shape"].get<std::vector<int64_t>>(), cs[i].out_shape) << res[i].dump();
        // konnx's engine must compute what onnxruntime computes (the numpy reference: KerasNumpyReference).
        const EngineCheck k = check_konnx_engine(files[i], {1e-4, 1e-3}, {1e-5, 1e-4});
        ASSERT_TRUE(k.error.empty()) << k.error;
        for (const auto& d : k.vs_ort)
            EXPECT_TRUE(d.present && d.pass) << "konnx vs onnxruntime, " << d.name << ": " << d.detail;
    }
}

TEST(KerasCli, ConvertReportsAndExitCodes) {
    const std::string d = dir_for("cli");
    const auto c = cases()[0];
    write_keras_h5(d + "/m.h5", json::parse(c.model), c.weights, "3.6.0");
    auto r = run_command(
        {cli_path(), "convert", d + "/m.h5", "-o", d + "/m.onnx", "--json", "--opset", "17", "--batch-size", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["keras_version"], "3.6.0");
    EXPECT_EQ(j["layers_by_class"]["Conv1D"], 1);
    EXPECT_TRUE(fs::exists(d + "/m.onnx"));
    r = run_command({cli_path(), "convert", d + "/m.h5", "-o", d + "/m2.onnx", "--input-shape", "zp_input:1,6,3"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("transposes left"), std::string::npos) << r.out;
    r = run_command({cli_path(), "convert", d + "/missing.h5", "-o", d + "/x.onnx"});
    EXPECT_EQ(r.exit_code, 66) << r.err;
    r = run_command({cli_path(), "convert", d + "/m.h5"});
    EXPECT_EQ(r.exit_code, 64) << r.err;
    r = run_command({cli_path(), "convert", d + "/m.h5", "-o", d + "/m.h5"});
    EXPECT_EQ(r.exit_code, 65) << r.err;
    EXPECT_TRUE(fs::exists(d + "/m.h5"));
    const std::string lambda = d + "/lambda.h5";
    write_keras_h5(lambda, json::parse(R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Lambda","config":{"name":"lam","batch_input_shape":[null,2],"function":"x"}}]}})"),
                   {});
    r = run_command({cli_path(), "convert", lambda, "-o", d + "/l.onnx"});
    EXPECT_EQ(r.exit_code, 69) << r.err;
    EXPECT_NE(r.err.find("'lam' (Lambda"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace konnx::test
