// SPDX-License-Identifier: MIT
// Layer-by-layer numeric checks. Each case is a small Keras model (Keras 2 JSON): TensorFlow.js builds it
// and draws random weights, the test writes it as a Keras 2 .h5 (tests/keras/h5_writer) and as a Keras 3
// .keras (tools/keras_writer.py), konnx converts both, and the ONNX run in onnxruntime and in konnx's own
// engine must both equal tfjs's output (Keras's JS port) within atol 1e-4 + rtol 1e-3.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "core/strings.hpp"
#include "keras/h5_writer.hpp"
#include "keras/keras_parity.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct LayerCase {
    const char* name;
    const char* model;  // Keras 2 model JSON
    const char* keras_version = "2.2.4";
    bool split_names = false;
};

const LayerCase kCases[] = {
    {"conv2d_same_strided_dilated",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv2D","config":{"name":"c1","batch_input_shape":[null,9,9,3],"filters":4,"kernel_size":[3,3],
          "strides":[2,2],"padding":"same","activation":"relu"}},
        {"class_name":"Conv2D","config":{"name":"c2","filters":3,"kernel_size":[2,2],"dilation_rate":[2,2],
          "padding":"valid","activation":"tanh","use_bias":false}},
        {"class_name":"Flatten","config":{"name":"f"}},
        {"class_name":"Dense","config":{"name":"d","units":5,"activation":"softmax"}}]}})"},
    {"conv2d_channels_first",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv2D","config":{"name":"c1","batch_input_shape":[null,3,8,8],"filters":4,"kernel_size":[3,3],
          "padding":"same","data_format":"channels_first"}},
        {"class_name":"MaxPooling2D","config":{"name":"p","pool_size":[2,2],"data_format":"channels_first"}},
        {"class_name":"Flatten","config":{"name":"f"}},
        {"class_name":"Dense","config":{"name":"d","units":3}}]}})"},
    // channels_first and channels_last layers in one model: each reads the same tensor with its own axis order.
    {"mixed_data_formats",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv2D","config":{"name":"c1","batch_input_shape":[null,3,8,6],"filters":4,"kernel_size":[3,3],
          "padding":"same","data_format":"channels_first"}},
        {"class_name":"Conv2D","config":{"name":"c2","filters":5,"kernel_size":[2,2],"data_format":"channels_last"}},
        {"class_name":"MaxPooling2D","config":{"name":"p","pool_size":[2,2],"data_format":"channels_first"}},
        {"class_name":"Flatten","config":{"name":"f","data_format":"channels_last"}},
        {"class_name":"Dense","config":{"name":"d","units":4}}]}})"},
    {"conv1d_same_dilated_pool1d",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv1D","config":{"name":"c1","batch_input_shape":[null,10,3],"filters":4,"kernel_size":[3],
          "padding":"same","dilation_rate":[2]}},
        {"class_name":"MaxPooling1D","config":{"name":"p","pool_size":[2],"strides":[1],"padding":"same"}},
        {"class_name":"AveragePooling1D","config":{"name":"a","pool_size":[3],"strides":[2],"padding":"valid"}},
        {"class_name":"GlobalAveragePooling1D","config":{"name":"g"}}]}})"},
    {"conv3d_pool3d",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv3D","config":{"name":"c1","batch_input_shape":[null,4,5,6,2],"filters":3,"kernel_size":[2,2,2],
          "padding":"same","strides":[1,2,1]}},
        {"class_name":"AveragePooling3D","config":{"name":"a","pool_size":[2,2,2],"padding":"same"}},
        {"class_name":"MaxPooling3D","config":{"name":"m","pool_size":[1,1,2]}},
        {"class_name":"Flatten","config":{"name":"f"}}]}})"},
    {"depthwise_dm2_bn_relu6",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"DepthwiseConv2D","config":{"name":"dw","batch_input_shape":[null,7,7,3],"kernel_size":[3,3],
          "depth_multiplier":2,"strides":[2,2],"padding":"same"}},
        {"class_name":"BatchNormalization","config":{"name":"bn","epsilon":0.001}},
        {"class_name":"ReLU","config":{"name":"r","max_value":6.0}},
        {"class_name":"GlobalMaxPooling2D","config":{"name":"g"}}]}})"},
    {"separable_dm2_valid",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"SeparableConv2D","config":{"name":"sc","batch_input_shape":[null,8,8,3],"filters":5,
          "kernel_size":[3,3],"depth_multiplier":2,"padding":"valid","activation":"elu"}},
        {"class_name":"GlobalAveragePooling2D","config":{"name":"g"}}]}})"},
    {"conv2d_transpose_same_valid",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv2DTranspose","config":{"name":"t1","batch_input_shape":[null,5,4,3],"filters":4,
          "kernel_size":[3,3],"strides":[2,2],"padding":"same"}},
        {"class_name":"Conv2DTranspose","config":{"name":"t2","filters":2,"kernel_size":[2,3],"strides":[3,1],
          "padding":"valid"}}]}})"},
    {"avgpool_same_excludes_padding",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"AveragePooling2D","config":{"name":"a","batch_input_shape":[null,7,7,2],"pool_size":[3,3],
          "strides":[2,2],"padding":"same"}},
        {"class_name":"MaxPooling2D","config":{"name":"m","pool_size":[2,2],"strides":[1,1],"padding":"same"}}]}})"},
    {"dense_activations",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Dense","config":{"name":"d1","batch_input_shape":[null,6],"units":8,"activation":"elu"}},
        {"class_name":"Dense","config":{"name":"d2","units":8,"activation":"selu"}},
        {"class_name":"Dense","config":{"name":"d3","units":8,"activation":"softplus"}},
        {"class_name":"Dense","config":{"name":"d4","units":8,"activation":"softsign"}},
        {"class_name":"Dense","config":{"name":"d5","units":8,"activation":"hard_sigmoid"}},
        {"class_name":"Dense","config":{"name":"d6","units":8,"activation":"relu6"}},
        {"class_name":"Dense","config":{"name":"d7","units":8,"activation":"sigmoid"}},
        {"class_name":"Dense","config":{"name":"d8","units":8,"activation":"swish"}},
        {"class_name":"Activation","config":{"name":"a1","activation":"tanh"}},
        {"class_name":"Dense","config":{"name":"d9","units":4,"activation":"linear"}},
        {"class_name":"Activation","config":{"name":"a2","activation":"softmax"}}]}})"},
    {"more_activations",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Dense","config":{"name":"d1","batch_input_shape":[null,5],"units":6,"activation":"gelu"}},
        {"class_name":"Dense","config":{"name":"d2","units":6,"activation":"mish"}},
        {"class_name":"Dense","config":{"name":"d3","units":4}},
        {"class_name":"Activation","config":{"name":"a","activation":"log_softmax"}}]}})"},
    {"advanced_activations",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv2D","config":{"name":"c","batch_input_shape":[null,5,5,2],"filters":3,"kernel_size":[2,2]}},
        {"class_name":"PReLU","config":{"name":"pr","shared_axes":[1,2]}},
        {"class_name":"LeakyReLU","config":{"name":"lr","alpha":0.1}},
        {"class_name":"ELU","config":{"name":"el","alpha":1.0}},
        {"class_name":"ThresholdedReLU","config":{"name":"tr","theta":0.3}},
        {"class_name":"Flatten","config":{"name":"f"}},
        {"class_name":"Softmax","config":{"name":"sm","axis":-1}}]}})"},
    {"prelu_unshared_dense_bn",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv2D","config":{"name":"c","batch_input_shape":[null,4,4,2],"filters":3,"kernel_size":[1,1]}},
        {"class_name":"PReLU","config":{"name":"pr"}},
        {"class_name":"Flatten","config":{"name":"f"}},
        {"class_name":"Dense","config":{"name":"d","units":6}},
        {"class_name":"BatchNormalization","config":{"name":"bn","center":false,"epsilon":0.01}}]}})"},
    {"layer_norm_time_dense",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Dense","config":{"name":"d","batch_input_shape":[null,4,6],"units":5}},
        {"class_name":"LayerNormalization","config":{"name":"ln","axis":-1,"epsilon":0.001}}]}})"},
    {"reshape_permute_repeat",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Dense","config":{"name":"d","batch_input_shape":[null,5],"units":12}},
        {"class_name":"Reshape","config":{"name":"r","target_shape":[3,4]}},
        {"class_name":"Permute","config":{"name":"p","dims":[2,1]}},
        {"class_name":"Flatten","config":{"name":"f"}},
        {"class_name":"RepeatVector","config":{"name":"rv","n":3}},
        {"class_name":"SimpleRNN","config":{"name":"rnn","units":4,"return_sequences":true}}]}})"},
    {"pad_crop_upsample",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"ZeroPadding2D","config":{"name":"zp","batch_input_shape":[null,5,6,2],"padding":[[1,2],[0,1]]}},
        {"class_name":"Conv2D","config":{"name":"c","filters":3,"kernel_size":[2,2]}},
        {"class_name":"Cropping2D","config":{"name":"cr","cropping":[[1,0],[2,1]]}},
        {"class_name":"UpSampling2D","config":{"name":"u1","size":[2,3]}},
        {"class_name":"UpSampling2D","config":{"name":"u2","size":[2,2],"interpolation":"bilinear"}}]}})"},
    {"recurrent_variants",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"GRU","config":{"name":"g","batch_input_shape":[null,6,3],"units":4,"return_sequences":true,
          "reset_after":false,"recurrent_activation":"hard_sigmoid"}},
        {"class_name":"LSTM","config":{"name":"l","units":5,"return_sequences":true,"go_backwards":true,
          "recurrent_activation":"sigmoid"}},
        {"class_name":"SimpleRNN","config":{"name":"r","units":3,"activation":"relu"}}]}})"},
    {"bidirectional_merges",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Bidirectional","config":{"name":"b1","batch_input_shape":[null,5,3],"merge_mode":"sum",
          "layer":{"class_name":"GRU","config":{"name":"g","units":4,"return_sequences":true,"reset_after":false}}}},
        {"class_name":"Bidirectional","config":{"name":"b2","merge_mode":"ave",
          "layer":{"class_name":"LSTM","config":{"name":"l","units":3,"return_sequences":true}}}},
        {"class_name":"Bidirectional","config":{"name":"b3","merge_mode":"mul",
          "layer":{"class_name":"SimpleRNN","config":{"name":"r","units":2,"return_sequences":true}}}},
        {"class_name":"Bidirectional","config":{"name":"b4","merge_mode":"concat",
          "layer":{"class_name":"LSTM","config":{"name":"l2","units":3}}}}]}})"},
    {"time_distributed",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"TimeDistributed","config":{"name":"t1","batch_input_shape":[null,3,6,6,2],
          "layer":{"class_name":"Conv2D","config":{"name":"c","filters":3,"kernel_size":[3,3]}}}},
        {"class_name":"TimeDistributed","config":{"name":"t2",
          "layer":{"class_name":"MaxPooling2D","config":{"name":"m","pool_size":[2,2]}}}},
        {"class_name":"TimeDistributed","config":{"name":"t3","layer":{"class_name":"Flatten","config":{"name":"f"}}}},
        {"class_name":"TimeDistributed","config":{"name":"t4",
          "layer":{"class_name":"Dense","config":{"name":"d","units":4}}}},
        {"class_name":"LSTM","config":{"name":"l","units":2}}]}})"},
    {"embedding_conv1d",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Embedding","config":{"name":"e","batch_input_shape":[null,7],"input_dim":20,"output_dim":4}},
        {"class_name":"Conv1D","config":{"name":"c","filters":3,"kernel_size":[2],"strides":[2]}},
        {"class_name":"Flatten","config":{"name":"f"}},
        {"class_name":"Dense","config":{"name":"d","units":2}}]}})",
     "2.2.4", true},
    {"rescaling_center_crop",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"Conv2D","config":{"name":"c","batch_input_shape":[null,7,6,2],"filters":2,"kernel_size":[1,1]}},
        {"class_name":"Rescaling","config":{"name":"rs","scale":0.5,"offset":-1.0}},
        {"class_name":"CenterCrop","config":{"name":"cc","height":4,"width":3}},
        {"class_name":"Flatten","config":{"name":"f"}}]}})"},
    {"attention_layers",
     R"({"class_name":"Model","config":{"name":"m","layers":[
        {"name":"q","class_name":"InputLayer","config":{"name":"q","batch_input_shape":[null,4,6]},"inbound_nodes":[]},
        {"name":"v","class_name":"InputLayer","config":{"name":"v","batch_input_shape":[null,5,6]},"inbound_nodes":[]},
        {"name":"mha","class_name":"MultiHeadAttention","config":{"name":"mha","num_heads":2,"key_dim":3,
          "value_dim":4},"inbound_nodes":[[["q",0,0,{"value":["v",0,0]}]]]},
        {"name":"att","class_name":"Attention","config":{"name":"att","use_scale":true},
          "inbound_nodes":[[["mha",0,0,{}],["v",0,0,{}]]]},
        {"name":"add","class_name":"AdditiveAttention","config":{"name":"add","use_scale":true},
          "inbound_nodes":[[["q",0,0,{}],["v",0,0,{}]]]}],
       "input_layers":[["q",0,0],["v",0,0]],"output_layers":[["att",0,0],["mha",0,0],["add",0,0]]}})"},
    {"conv_lstm2d",
     R"({"class_name":"Sequential","config":{"name":"s","layers":[
        {"class_name":"ConvLSTM2D","config":{"name":"cl","batch_input_shape":[null,3,6,5,2],"filters":3,
          "kernel_size":[3,3],"padding":"same","return_sequences":true,"recurrent_activation":"sigmoid"}},
        {"class_name":"ConvLSTM2D","config":{"name":"cl2","filters":2,"kernel_size":[2,2],"strides":[2,2],
          "padding":"valid","recurrent_activation":"hard_sigmoid","go_backwards":true}}]}})"},
    // ConvLSTM2D's return_state: the last h and c as outputs 1 and 2 (initial states: tfjs's ConvLSTM2D cannot
    // take them, so numpy-ref/conv_lstm2d_initial_states covers those).
    {"conv_lstm2d_return_state",
     R"({"class_name":"Model","config":{"name":"m","layers":[
        {"name":"x","class_name":"InputLayer","config":{"name":"x","batch_input_shape":[null,3,6,5,2]},"inbound_nodes":[]},
        {"name":"cl1","class_name":"ConvLSTM2D","config":{"name":"cl1","filters":3,"kernel_size":[3,3],"padding":"same",
          "return_state":true,"recurrent_activation":"sigmoid"},"inbound_nodes":[[["x",0,0,{}]]]}],
       "input_layers":[["x",0,0]],"output_layers":[["cl1",0,0],["cl1",0,1],["cl1",0,2]]}})"},
    {"functional_merges_shared",
     R"({"class_name":"Model","config":{"name":"m","layers":[
        {"name":"a","class_name":"InputLayer","config":{"name":"a","batch_input_shape":[null,4,4,2]},"inbound_nodes":[]},
        {"name":"b","class_name":"InputLayer","config":{"name":"b","batch_input_shape":[null,4,4,2]},"inbound_nodes":[]},
        {"name":"conv","class_name":"Conv2D","config":{"name":"conv","filters":3,"kernel_size":[1,1]},
         "inbound_nodes":[[["a",0,0,{}]],[["b",0,0,{}]]]},
        {"name":"add","class_name":"Add","config":{"name":"add"},"inbound_nodes":[[["conv",0,0,{}],["conv",1,0,{}]]]},
        {"name":"mul","class_name":"Multiply","config":{"name":"mul"},"inbound_nodes":[[["conv",0,0,{}],["add",0,0,{}]]]},
        {"name":"avg","class_name":"Average","config":{"name":"avg"},"inbound_nodes":[[["mul",0,0,{}],["conv",1,0,{}]]]},
        {"name":"mx","class_name":"Maximum","config":{"name":"mx"},"inbound_nodes":[[["avg",0,0,{}],["add",0,0,{}]]]},
        {"name":"mn","class_name":"Minimum","config":{"name":"mn"},"inbound_nodes":[[["mx",0,0,{}],["mul",0,0,{}]]]},
        {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
         "inbound_nodes":[[["mn",0,0,{}],["a",0,0,{}]]]},
        {"name":"cat2","class_name":"Concatenate","config":{"name":"cat2","axis":1},
         "inbound_nodes":[[["cat",0,0,{}],["cat",0,0,{}]]]},
        {"name":"gp","class_name":"GlobalAveragePooling2D","config":{"name":"gp"},"inbound_nodes":[[["cat2",0,0,{}]]]},
        {"name":"d1","class_name":"Dense","config":{"name":"d1","units":3},"inbound_nodes":[[["gp",0,0,{}]]]},
        {"name":"d2","class_name":"Dense","config":{"name":"d2","units":3},"inbound_nodes":[[["gp",0,0,{}]]]},
        {"name":"dot","class_name":"Dot","config":{"name":"dot","axes":1,"normalize":true},
         "inbound_nodes":[[["d1",0,0,{}],["d2",0,0,{}]]]}],
       "input_layers":[["a",0,0],["b",0,0]],"output_layers":[["dot",0,0],["d1",0,0]]}})"},
};

void PrintTo(const LayerCase& c, std::ostream* os) { *os << c.name; }

/// The cases this process runs: those the gtest filter selects (ctest runs one per process), so a process
/// never builds and runs the whole table for one test, and parallel processes never share a case directory.
std::vector<const LayerCase*> selected_cases() {
    std::set<std::string> wanted;
    if (const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite())
        for (int i = 0; i < suite->total_test_count(); ++i)
            if (const auto* info = suite->GetTestInfo(i); info->should_run()) {
                const std::string n = info->name();
                wanted.insert(n.substr(n.rfind('/') + 1));
            }
    std::vector<const LayerCase*> out;
    for (const auto& c : kCases)
        if (wanted.count(c.name)) out.push_back(&c);
    return out;
}

/// The .keras variant of a case. Keras 3 reinterprets hard_sigmoid (x/6 + 0.5 instead of Keras 2's
/// 0.2x + 0.5, which tfjs implements) and defaults recurrent_activation to sigmoid where Keras 2 and tfjs use
/// hard_sigmoid, so the variant says sigmoid explicitly there: the tfjs reference then means what the file
/// means.
std::string keras3_topology(const std::string& model) {
    json m = json::parse(model);
    std::function<void(json&)> visit = [&](json& j) {
        if (j.is_object()) {
            if (j.contains("class_name") && j.contains("config") && j["config"].is_object()) {
                const std::string cls = j["class_name"];
                if (cls == "LSTM" || cls == "GRU" || cls == "ConvLSTM2D")
                    j["config"]["recurrent_activation"] = "sigmoid";
            }
            for (auto& [k, v] : j.items())
                if (v.is_string() && v.get<std::string>() == "hard_sigmoid")
                    v = "sigmoid";
                else
                    visit(v);
        } else if (j.is_array()) {
            for (auto& v : j)
                visit(v);
        }
    };
    visit(m);
    return m.dump();
}

/// Writes the case as a Keras 3 .keras with tools/keras_writer.py (the repository's writer of Keras's own
/// layouts; Debian's python3 + h5py). Returns "" or the error.
std::string write_keras3(const std::string& dir, const std::string& model, const json& gen_weights) {
    json index = {{"format", "konnx-tfjs-weights-1"}, {"bin", "gen_weights.bin"}, {"weights", json::array()}};
    int64_t offset = 0;
    for (const auto& w : gen_weights)
        for (std::size_t k = 0; k < w["names"].size(); ++k) {
            int64_t n = 1;
            for (const auto& d : w["shapes"][k])
                n *= d.get<int64_t>();
            index["weights"].push_back({{"layer", w["layer"]},
                                        {"name", w["names"][k]},
                                        {"shape", w["shapes"][k]},
                                        {"dtype", "float32"},
                                        {"offset", offset},
                                        {"nbytes", 4 * n}});
            offset += 4 * n;
        }
    std::ofstream(dir + "/k3.topology.json") << model;
    std::ofstream(dir + "/k3.weights.json") << index.dump();
    fs::remove(dir + "/model.keras");
    const auto r =
        run_command({konnx::test::python(), source_dir() + "/tools/keras_writer.py", "--topology",
                     dir + "/k3.topology.json", "--weights", dir + "/k3.weights.json", "--keras", dir + "/model.keras"},
                    300);
    if (r.exit_code != 0 || !fs::exists(dir + "/model.keras"))
        return cat("tools/keras_writer.py failed (exit ", r.exit_code, "): ", r.err.substr(0, 500));
    return "";
}

struct VariantResult {
    json parity;  ///< keras_parity.mjs's JSON (onnxruntime vs tfjs), or {"error": ...}
    std::string case_file;
};

class KerasLayers : public ::testing::TestWithParam<LayerCase> {
public:
    static void SetUpTestSuite() {
        results_.clear();
        if (!parity_unavailable_reason().empty()) return;
        const std::vector<const LayerCase*> selected = selected_cases();
        if (selected.empty()) return;
        const std::string root = binary_dir() + "/keras_layers";
        std::vector<std::string> gen_files;
        for (const LayerCase* c : selected) {
            const std::string dir = root + "/" + c->name;
            fs::create_directories(dir);
            json spec = {{"topology", json::parse(c->model)}, {"weights_bin", dir + "/gen_weights.bin"}};
            std::ofstream(dir + "/gen.json") << spec.dump();
            gen_files.push_back(dir + "/gen.json");
        }
        const auto gens = run_parity_cases(gen_files, true);
        std::vector<std::string> cases;
        std::vector<std::string> names;
        auto add_case = [&](const std::string& key, const std::string& file, const std::string& dir, int opset) {
            ConvertOptions o;
            o.opset = opset;
            try {
                cases.push_back(prepare_parity_case(file, "", dir, 1e-4, 1e-3, o, nullptr));
                names.push_back(key);
            } catch (const std::exception& e) {
                results_[key].parity = {{"error", std::string("conversion failed: ") + e.what()}};
            }
        };
        for (std::size_t i = 0; i < selected.size(); ++i) {
            const LayerCase& c = *selected[i];
            const std::string dir = root + "/" + c.name;
            if (gens[i].contains("error")) {
                for (const char* suffix : {"", "@13", "@17", ".keras"})
                    results_[c.name + std::string(suffix)].parity = {
                        {"error", "tfjs could not build the model: " + gens[i]["error"].get<std::string>()}};
                continue;
            }
            std::vector<KerasWeights> weights;
            std::ifstream bin(dir + "/gen_weights.bin", std::ios::binary);
            for (const auto& w : gens[i]["weights"]) {
                KerasWeights kw;
                kw.layer = w["layer"];
                for (std::size_t k = 0; k < w["names"].size(); ++k) {
                    std::string n = w["names"][k];
                    n = n.substr(n.rfind('/') + 1);
                    kw.names.push_back(n + "_" + std::to_string(k));
                    Shape shape = w["shapes"][k].get<Shape>();
                    Tensor t = Tensor::empty(DType::kFloat32, shape);
                    bin.read(static_cast<char*>(t.raw()), static_cast<std::streamsize>(t.nbytes()));
                    kw.values.push_back(t);
                }
                weights.push_back(kw);
            }
            const std::string h5 = dir + "/model.h5";
            write_keras_h5(h5, json::parse(c.model), weights, c.keras_version, c.split_names);
            for (int opset : {15, 13, 17})  // the default first; 13 and 17 change Squeeze/LayerNormalization
                add_case(opset == 15 ? std::string(c.name) : cat(c.name, "@", opset), h5, cat(dir, "/opset", opset),
                         opset);
            if (std::string err = write_keras3(dir, keras3_topology(c.model), gens[i]["weights"]); !err.empty())
                results_[c.name + std::string(".keras")].parity = {{"error", err}};
            else
                add_case(c.name + std::string(".keras"), dir + "/model.keras", dir + "/keras3", 15);
        }
        const auto res = run_parity_cases(cases);
        for (std::size_t i = 0; i < names.size(); ++i)
            results_[names[i]] = {res[i], cases[i]};
    }
    static std::map<std::string, VariantResult> results_;
};

std::map<std::string, VariantResult> KerasLayers::results_;

// Each case as Keras 2 .h5 at opsets 15 (default), 13 and 17, and as Keras 3 .keras: onnxruntime and konnx's
// engine must both equal tfjs within atol 1e-4 + rtol 1e-3 per element.
TEST_P(KerasLayers, OnnxRuntimeAndKonnxMatchTfjs) {
    if (auto why = parity_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    for (const std::string suffix : {"", "@13", "@17", ".keras"}) {
        const std::string key = GetParam().name + suffix;
        SCOPED_TRACE(key);
        ASSERT_TRUE(results_.count(key)) << "the case did not run";
        const auto& r = results_[key].parity;
        std::cout << "[ info ] " << key << ": " << r.dump().substr(0, 600) << "\n";
        ASSERT_FALSE(r.contains("error")) << r.dump();
        ASSERT_EQ(r.value("tfjs", ""), "ok") << r.dump();
        ASSERT_FALSE(r["outputs"].empty());
        for (const auto& o : r["outputs"])
            EXPECT_TRUE(o.value("pass", false)) << "onnxruntime vs tfjs: " << o.dump();
        const EngineCheck k = check_konnx_engine(results_[key].case_file, {1e-4, 1e-3}, {1e-4, 1e-3});
        std::cout << "[ info ] " << key << " konnx: " << describe(k) << "\n";
        ASSERT_TRUE(k.error.empty()) << k.error;
        ASSERT_EQ(k.vs_tfjs.size(), r["outputs"].size());
        for (const auto& d : k.vs_tfjs) {
            EXPECT_TRUE(d.present) << d.name << ": no tfjs output saved";
            EXPECT_TRUE(d.pass) << "konnx vs tfjs, " << d.name << ": " << d.detail;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, KerasLayers, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace konnx::test
