// SPDX-License-Identifier: MIT
// Layers TensorFlow.js lacks, held against an independent Keras reference: tools/keras_numpy_reference.py,
// a plain numpy transcription of the math Keras documents for each layer (it reads the same .h5 the test
// writes and the same seeded inputs). konnx's engine, and onnxruntime where node + onnxruntime-node are
// installed, must equal it within atol 1e-4 + rtol 1e-3. The transcription runs in .venv (numpy, h5py).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/npy.hpp"
#include "core/strings.hpp"
#include "keras/h5_writer.hpp"
#include "keras/keras_parity.hpp"
#include "konnx/convert.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

KerasWeights weights(const std::string& layer, std::vector<Shape> shapes) {
    return sequence_weights(layer, std::move(shapes), 0.3f, 0.113f);
}

struct Case {
    const char* name;
    const char* reference;  // which numpy transcription the case is held against
    std::string model;
    std::vector<KerasWeights> weights;
    std::vector<int64_t> out_shape;  // with batch 2
    std::string keras_version = "3.6.0";
};

// A functional model: input [N,3,8] scaled by Rescaling(4, 0.5) (so the clips of relu6 / hard_sigmoid and the
// tails of exp are reached), each of `branches` (JSON layer objects without inbound_nodes) applied to it, and
// their outputs concatenated on the last axis.
std::string branches_model(const std::vector<std::string>& branches) {
    json layers = json::parse(R"([
        {"name":"a","class_name":"InputLayer","config":{"name":"a","batch_input_shape":[null,3,8]},"inbound_nodes":[]},
        {"name":"rs","class_name":"Rescaling","config":{"name":"rs","scale":4.0,"offset":0.5},
         "inbound_nodes":[[["a",0,0,{}]]]}])");
    json cat_inputs = json::array();
    for (const auto& b : branches) {
        json layer = json::parse(b);
        layer["name"] = layer["config"]["name"];
        layer["inbound_nodes"] = json::parse(R"([[["rs",0,0,{}]]])");
        cat_inputs.push_back(json::array({layer["name"], 0, 0, json::object()}));
        layers.push_back(layer);
    }
    layers.push_back({{"name", "cat"},
                      {"class_name", "Concatenate"},
                      {"config", {{"name", "cat"}, {"axis", -1}}},
                      {"inbound_nodes", json::array({cat_inputs})}});
    json model = {{"class_name", "Model"},
                  {"config",
                   {{"name", "m"},
                    {"layers", layers},
                    {"input_layers", json::parse(R"([["a",0,0]])")},
                    {"output_layers", json::parse(R"([["cat",0,0]])")}}}};
    return model.dump();
}

// q [N,5,6] attends to v [N,5,6] with 2 heads (key_dim 3, value_dim 2), masked by ReLU(threshold)(m) and causally.
std::string mha_model(const std::string& output) {
    return R"({"class_name":"Model","config":{"name":"m","layers":[
        {"name":"q","class_name":"InputLayer","config":{"name":"q","batch_input_shape":[null,5,6]},"inbound_nodes":[]},
        {"name":"v","class_name":"InputLayer","config":{"name":"v","batch_input_shape":[null,5,6]},"inbound_nodes":[]},
        {"name":"m","class_name":"InputLayer","config":{"name":"m","batch_input_shape":[null,5,5]},"inbound_nodes":[]},
        {"name":"mk","class_name":"ReLU","config":{"name":"mk","threshold":0.2},"inbound_nodes":[[["m",0,0,{}]]]},
        {"name":"mha","class_name":"MultiHeadAttention","config":{"name":"mha","num_heads":2,"key_dim":3,"value_dim":2},
         "inbound_nodes":[[["q",0,0,{"value":["v",0,0],"attention_mask":["mk",0,0],"use_causal_mask":true,
                                      "return_attention_scores":true}]]]}],
       "input_layers":[["q",0,0],["v",0,0],["m",0,0]],"output_layers":[)" +
           output + "]}}";
}

// Two Embedding(mask_zero) sequences [N, 4, 3] and an unmasked one, concatenated on the features (both masked),
// on the time axis (masked with unmasked), pooled with the masks: outputs [N, 6 + 3].
std::string masked_concat_model() {
    return R"({"class_name":"Model","config":{"name":"m","layers":[
        {"name":"a","class_name":"InputLayer","config":{"name":"a","batch_input_shape":[null,4]},"inbound_nodes":[]},
        {"name":"b","class_name":"InputLayer","config":{"name":"b","batch_input_shape":[null,4]},"inbound_nodes":[]},
        {"name":"x","class_name":"InputLayer","config":{"name":"x","batch_input_shape":[null,4,3]},"inbound_nodes":[]},
        {"name":"e1","class_name":"Embedding","config":{"name":"e1","input_dim":4,"output_dim":3,"mask_zero":true},
         "inbound_nodes":[[["a",0,0,{}]]]},
        {"name":"e2","class_name":"Embedding","config":{"name":"e2","input_dim":4,"output_dim":3,"mask_zero":true},
         "inbound_nodes":[[["b",0,0,{}]]]},
        {"name":"feat","class_name":"Concatenate","config":{"name":"feat","axis":-1},
         "inbound_nodes":[[["e1",0,0,{}],["e2",0,0,{}]]]},
        {"name":"g1","class_name":"GlobalAveragePooling1D","config":{"name":"g1"},"inbound_nodes":[[["feat",0,0,{}]]]},
        {"name":"time","class_name":"Concatenate","config":{"name":"time","axis":1},
         "inbound_nodes":[[["e1",0,0,{}],["x",0,0,{}]]]},
        {"name":"g2","class_name":"GlobalAveragePooling1D","config":{"name":"g2"},"inbound_nodes":[[["time",0,0,{}]]]},
        {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
         "inbound_nodes":[[["g1",0,0,{}],["g2",0,0,{}]]]}],
       "input_layers":[["a",0,0],["b",0,0],["x",0,0]],"output_layers":[["cat",0,0]]}})";
}

std::vector<KerasWeights> mha_weights() {
    return {weights("mha", {{6, 2, 3}, {2, 3}, {6, 2, 3}, {2, 3}, {6, 2, 2}, {2, 2}, {2, 2, 6}, {6}})};
}

std::string activation_branch(const std::string& act) {
    return R"({"class_name":"Activation","config":{"name":")" + act + R"(","activation":")" + act + R"("}})";
}

std::vector<Case> cases() {
    // Every keras.activations function by name (Keras 3 file: hard_sigmoid is relu6(x + 3) / 6), as Activation
    // layers and as a Dense layer's activation. gelu_approximate is konnx's spelling of gelu(approximate=True).
    std::vector<std::string> keras3_acts;
    for (const char* a : {"exponential", "hard_sigmoid", "hard_silu", "hard_swish",
                          "leaky_relu",  "log_sigmoid",  "gelu",      "gelu_approximate",
                          "mish",        "selu",         "elu",       "softplus",
                          "softsign",    "relu6",        "silu",      "swish",
                          "sigmoid",     "tanh",         "relu",      "linear",
                          "softmax",     "log_softmax"})
        keras3_acts.push_back(activation_branch(a));
    keras3_acts.push_back(R"({"class_name":"Dense","config":{"name":"d","units":4,"activation":"gelu"}})");
    return {
        {"activations_keras3",
         "numpy transcription of every keras.activations formula (Keras 3 hard_sigmoid)",
         branches_model(keras3_acts),
         {weights("d", {{8, 4}, {4}})},
         {2, 3, 22 * 8 + 4}},
        // The same file claiming Keras 2: hard_sigmoid is clip(0.2 x + 0.5, 0, 1) there.
        {"activations_keras2_hard_sigmoid",
         "numpy transcription of Keras 2's hard_sigmoid",
         branches_model({activation_branch("hard_sigmoid"),
                         R"({"class_name":"Dense","config":{"name":"d","units":4,"activation":"hard_sigmoid"}})"}),
         {weights("d", {{8, 4}, {4}})},
         {2, 3, 8 + 4},
         "2.4.0"},
        // ReLU(max_value, negative_slope, threshold) in every combination the layer documents, LeakyReLU with
        // Keras 3's negative_slope and Keras 2's alpha, ELU with alpha != 1, Softmax over a non-last axis.
        {"advanced_activation_layers",
         "numpy transcription of Keras's ReLU, LeakyReLU, ELU and Softmax layer formulas",
         branches_model({
             R"({"class_name":"ReLU","config":{"name":"r_all","max_value":3.0,"negative_slope":0.1,"threshold":0.5}})",
             R"({"class_name":"ReLU","config":{"name":"r_slope","negative_slope":0.3}})",
             R"({"class_name":"ReLU","config":{"name":"r_threshold","threshold":1.5}})",
             R"({"class_name":"ReLU","config":{"name":"r_max","max_value":2.5}})",
             R"({"class_name":"LeakyReLU","config":{"name":"lr3","negative_slope":0.15}})",
             R"({"class_name":"LeakyReLU","config":{"name":"lr2","alpha":0.25}})",
             R"({"class_name":"ELU","config":{"name":"elu","alpha":0.7}})",
             R"({"class_name":"Softmax","config":{"name":"sm","axis":1}})",
         }),
         {},
         {2, 3, 8 * 8}},
        // ZeroPadding1D: zeros before/after the steps; Cropping1D: drops steps; UpSampling1D: repeats each step;
        // UnitNormalization: x / sqrt(max(sum(x^2), 1e-12)) (the padded all-zero steps exercise the clamp).
        {"pad_crop_upsample_unitnorm_1d",
         "numpy transcription of Keras's ZeroPadding1D, Cropping1D, "
         "UpSampling1D and UnitNormalization math",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"ZeroPadding1D","config":{"name":"zp","batch_input_shape":[null,4,3],"padding":[1,2]}},
            {"class_name":"Cropping1D","config":{"name":"cr","cropping":[0,1]}},
            {"class_name":"UpSampling1D","config":{"name":"up","size":3}},
            {"class_name":"UnitNormalization","config":{"name":"un","axis":-1}}]}})",
         {},
         {2, 18, 3}},
        // ZeroPadding3D / Cropping3D with per-axis (before, after), UpSampling3D (nearest: repeat), then
        // GroupNormalization: per sample and group, mean and biased variance over (spatial, channels in group),
        // (x - mean) / sqrt(var + epsilon), times gamma plus beta per channel.
        {"pad_crop_upsample_groupnorm_3d",
         "numpy transcription of Keras's ZeroPadding3D, Cropping3D, "
         "UpSampling3D and GroupNormalization math",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"ZeroPadding3D","config":{"name":"zp","batch_input_shape":[null,2,3,4,4],
              "padding":[[1,0],[0,2],[1,1]]}},
            {"class_name":"Cropping3D","config":{"name":"cr","cropping":[[0,1],[1,0],[0,2]]}},
            {"class_name":"UpSampling3D","config":{"name":"up","size":[2,1,3]}},
            {"class_name":"GroupNormalization","config":{"name":"gn","groups":2,"epsilon":0.001}}]}})",
         {weights("gn", {{4}, {4}})},
         {2, 4, 4, 12, 4}},
        // GlobalMax/AveragePooling3D: max / mean over the three spatial axes; Subtract: inputs[0] - inputs[1].
        {"global_pool_3d_subtract",
         "numpy transcription of Keras's GlobalMaxPooling3D, GlobalAveragePooling3D "
         "and Subtract math",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"a","class_name":"InputLayer","config":{"name":"a","batch_input_shape":[null,2,3,4,5]},
             "inbound_nodes":[]},
            {"name":"mx","class_name":"GlobalMaxPooling3D","config":{"name":"mx","keepdims":true},
             "inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"av","class_name":"GlobalAveragePooling3D","config":{"name":"av","keepdims":true},
             "inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"sub","class_name":"Subtract","config":{"name":"sub"},"inbound_nodes":[[["mx",0,0,{}],["av",0,0,{}]]]}],
           "input_layers":[["a",0,0]],"output_layers":[["sub",0,0]]}})",
         {},
         {2, 1, 1, 1, 5}},
        // Normalization: (x - mean) / max(sqrt(variance), 1e-7) along the last axis.
        {"normalization",
         "numpy transcription of Keras's Normalization math",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"Normalization","config":{"name":"n","batch_input_shape":[null,4,3],"axis":-1}}]}})",
         {KerasWeights{"n",
                       {"mean", "variance", "count"},
                       {Tensor::from_vector<float>({3}, {0.5f, -1, 2}), Tensor::from_vector<float>({3}, {4, 0.25f, 1}),
                        Tensor::from_vector<float>({}, {10})}}},
         {2, 4, 3}},
        // Normalization(invert=True): x * max(sqrt(variance), 1e-7) + mean (adapted weights); then mean and variance
        // as constructor arguments (kept in the config, no weights): per channel, then scalars.
        {"normalization_invert_and_config_mean",
         "numpy transcription of Keras's Normalization math (invert, mean/variance arguments)",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"Normalization","config":{"name":"inv","batch_input_shape":[null,4,3],"axis":-1,"invert":true}},
            {"class_name":"Normalization","config":{"name":"fixed","axis":-1,"mean":[0.5,-1,2],"variance":[4,0.25,1]}},
            {"class_name":"Normalization","config":{"name":"scalar","axis":-1,"mean":1.5,"variance":9.0}}]}})",
         {KerasWeights{"inv",
                       {"mean", "variance", "count"},
                       {Tensor::from_vector<float>({3}, {0.25f, 3, -2}), Tensor::from_vector<float>({3}, {2, 0.5f, 16}),
                        Tensor::from_vector<float>({}, {10})}}},
         {2, 4, 3}},
        // ConvLSTM2D with return_state feeding a second ConvLSTM2D as its initial states (h0, c0 positional, as
        // tf.keras writes them); the second one strided and dilated, returning sequences.
        {"conv_lstm2d_initial_states",
         "numpy transcription of Keras's ConvLSTM2D math (initial states)",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"x","class_name":"InputLayer","config":{"name":"x","batch_input_shape":[null,3,6,5,2]},"inbound_nodes":[]},
            {"name":"cl1","class_name":"ConvLSTM2D","config":{"name":"cl1","filters":3,"kernel_size":[3,3],"padding":"same",
              "return_state":true,"recurrent_activation":"sigmoid"},"inbound_nodes":[[["x",0,0,{}]]]},
            {"name":"cl2","class_name":"ConvLSTM2D","config":{"name":"cl2","filters":3,"kernel_size":[3,3],
              "padding":"same","dilation_rate":[2,1],"return_sequences":true,"go_backwards":true,
              "recurrent_activation":"hard_sigmoid"},
             "inbound_nodes":[[["x",0,0,{}],["cl1",0,1,{}],["cl1",0,2,{}]]]}],
           "input_layers":[["x",0,0]],"output_layers":[["cl2",0,0]]}})",
         {weights("cl1", {{3, 3, 2, 12}, {3, 3, 3, 12}, {12}}), weights("cl2", {{3, 3, 2, 12}, {3, 3, 3, 12}, {12}})},
         {2, 3, 6, 5, 3}},
        // LayerNormalization over a non-trailing axis (the time axis of [N, T, F]) and over axes [1, 3] of a rank-4
        // input (in a channels-first physical layout after the Conv2D).
        {"layer_norm_non_trailing_axes",
         "numpy transcription of Keras's LayerNormalization math (any axes)",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"Conv2D","config":{"name":"c","batch_input_shape":[null,4,5,3],"filters":2,"kernel_size":1}},
            {"class_name":"LayerNormalization","config":{"name":"ln13","axis":[1,3],"epsilon":0.001}},
            {"class_name":"Reshape","config":{"name":"r","target_shape":[20,2]}},
            {"class_name":"LayerNormalization","config":{"name":"ln1","axis":1,"epsilon":0.01,"center":false}}]}})",
         {weights("c", {{1, 1, 3, 2}, {2}}), weights("ln13", {{4, 2}, {4, 2}}), weights("ln1", {{20}})},
         {2, 20, 2}},
        // Keras masks reaching GlobalAveragePooling1D (masked mean: sum(x * mask) / sum(mask)): from
        // Embedding(mask_zero) through Dense, and from Masking (ReLU(threshold) zeroes ~65% of the steps first).
        {"masked_average_pooling",
         "numpy transcription of Keras's mask propagation and masked GlobalAveragePooling1D",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"ids","class_name":"InputLayer","config":{"name":"ids","batch_input_shape":[null,6]},"inbound_nodes":[]},
            {"name":"x","class_name":"InputLayer","config":{"name":"x","batch_input_shape":[null,5,1]},"inbound_nodes":[]},
            {"name":"emb","class_name":"Embedding","config":{"name":"emb","input_dim":4,"output_dim":3,"mask_zero":true},
             "inbound_nodes":[[["ids",0,0,{}]]]},
            {"name":"d","class_name":"Dense","config":{"name":"d","units":5,"activation":"tanh"},"inbound_nodes":[[["emb",0,0,{}]]]},
            {"name":"g1","class_name":"GlobalAveragePooling1D","config":{"name":"g1"},"inbound_nodes":[[["d",0,0,{}]]]},
            {"name":"r","class_name":"ReLU","config":{"name":"r","threshold":0.3},"inbound_nodes":[[["x",0,0,{}]]]},
            {"name":"mk","class_name":"Masking","config":{"name":"mk","mask_value":0.0},"inbound_nodes":[[["r",0,0,{}]]]},
            {"name":"d2","class_name":"Dense","config":{"name":"d2","units":2},"inbound_nodes":[[["mk",0,0,{}]]]},
            {"name":"g2","class_name":"GlobalAveragePooling1D","config":{"name":"g2"},"inbound_nodes":[[["d2",0,0,{}]]]},
            {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
             "inbound_nodes":[[["g1",0,0,{}],["g2",0,0,{}]]]}],
           "input_layers":[["ids",0,0],["x",0,0]],"output_layers":[["cat",0,0]]}})",
         {weights("emb", {{4, 3}}), weights("d", {{3, 5}, {5}}), weights("d2", {{1, 2}, {2}})},
         {2, 7}},
        // Concatenate of masked sequences: along the time axis the masks are concatenated (an unmasked input keeps
        // every step); along the features Keras 3 keeps a step either input keeps (Keras 2: both; next case).
        {"masked_concatenate_keras3",
         "numpy transcription of Keras 3's Concatenate.compute_mask and masked GlobalAveragePooling1D",
         masked_concat_model(),
         {weights("e1", {{4, 3}}), weights("e2", {{4, 3}})},
         {2, 9}},
        {"masked_concatenate_keras2",
         "numpy transcription of Keras 2's Concatenate.compute_mask and masked GlobalAveragePooling1D",
         masked_concat_model(),
         {weights("e1", {{4, 3}}), weights("e2", {{4, 3}})},
         {2, 9},
         "2.4.0"},
        // Embedding(mask_zero) masks reaching attention: MultiHeadAttention joins the query mask [N, T, 1] and
        // the value/key mask [N, 1, S]; Attention masks the scores with the value mask and zeroes the result's
        // masked query steps; both pass the query mask on to a masked GlobalAveragePooling1D.
        {"masked_attention",
         "numpy transcription of Keras's attention masks (MultiHeadAttention, Attention)",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"ids","class_name":"InputLayer","config":{"name":"ids","batch_input_shape":[null,5]},"inbound_nodes":[]},
            {"name":"e","class_name":"Embedding","config":{"name":"e","input_dim":4,"output_dim":4,"mask_zero":true},
             "inbound_nodes":[[["ids",0,0,{}]]]},
            {"name":"mha","class_name":"MultiHeadAttention","config":{"name":"mha","num_heads":2,"key_dim":2},
             "inbound_nodes":[[["e",0,0,{"value":["e",0,0]}]]]},
            {"name":"g1","class_name":"GlobalAveragePooling1D","config":{"name":"g1"},"inbound_nodes":[[["mha",0,0,{}]]]},
            {"name":"att","class_name":"Attention","config":{"name":"att"},"inbound_nodes":[[["e",0,0,{}],["e",0,0,{}]]]},
            {"name":"g2","class_name":"GlobalAveragePooling1D","config":{"name":"g2"},"inbound_nodes":[[["att",0,0,{}]]]},
            {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
             "inbound_nodes":[[["g1",0,0,{}],["g2",0,0,{}]]]}],
           "input_layers":[["ids",0,0]],"output_layers":[["cat",0,0]]}})",
         {weights("e", {{4, 4}}),
          weights("mha", {{4, 2, 2}, {2, 2}, {4, 2, 2}, {2, 2}, {4, 2, 2}, {2, 2}, {2, 2, 4}, {4}})},
         {2, 8}},
        // EinsumDense: einsum(equation, x, kernel) + bias over bias_axes, then the activation.
        {"einsum_dense",
         "numpy transcription of Keras's EinsumDense math (np.einsum)",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"EinsumDense","config":{"name":"ed","batch_input_shape":[null,4,5],"equation":"abc,cd->abd",
              "output_shape":[null,3],"bias_axes":"d","activation":"relu"}}]}})",
         {weights("ed", {{5, 3}, {3}})},
         {2, 4, 3}},
        {"einsum_dense_two_axes",
         "numpy transcription of Keras's EinsumDense math (np.einsum)",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"EinsumDense","config":{"name":"ed","batch_input_shape":[null,4,5],
              "equation":"abc,cde->abde","output_shape":[null,2,3],"bias_axes":"de"}}]}})",
         {weights("ed", {{5, 2, 3}, {2, 3}})},
         {2, 4, 2, 3}},
        // CategoryEncoding: multi_hot marks the tokens present in each sample, count counts them (8 ids of 6
        // tokens: some repeat, so the two modes differ).
        {"category_encoding",
         "numpy transcription of Keras's CategoryEncoding math (multi_hot, count)",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"ids","class_name":"InputLayer","config":{"name":"ids","batch_input_shape":[null,8]},"inbound_nodes":[]},
            {"name":"mh","class_name":"CategoryEncoding","config":{"name":"mh","num_tokens":6,"output_mode":"multi_hot"},
             "inbound_nodes":[[["ids",0,0,{}]]]},
            {"name":"ct","class_name":"CategoryEncoding","config":{"name":"ct","num_tokens":6,"output_mode":"count"},
             "inbound_nodes":[[["ids",0,0,{}]]]},
            {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
             "inbound_nodes":[[["mh",0,0,{}],["ct",0,0,{}]]]}],
           "input_layers":[["ids",0,0]],"output_layers":[["cat",0,0]]}})",
         {},
         {2, 12}},
        // Discretization: bucket = number of boundaries <= x, as int64 ids (checked position by position through an
        // Embedding of them), and as count / multi_hot / one_hot ([N, 6, 6], Keras 3) over the 6 buckets; Rescaling
        // spreads the inputs over all.
        {"discretization",
         "numpy transcription of Keras's Discretization math (np.digitize), Embedding and Flatten",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"a","class_name":"InputLayer","config":{"name":"a","batch_input_shape":[null,6]},"inbound_nodes":[]},
            {"name":"rs","class_name":"Rescaling","config":{"name":"rs","scale":3.0},"inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"bins","class_name":"Discretization","config":{"name":"bins","bin_boundaries":[-2,-0.5,0,0.5,2]},
             "inbound_nodes":[[["rs",0,0,{}]]]},
            {"name":"emb","class_name":"Embedding","config":{"name":"emb","input_dim":6,"output_dim":3},
             "inbound_nodes":[[["bins",0,0,{}]]]},
            {"name":"flat","class_name":"Flatten","config":{"name":"flat"},"inbound_nodes":[[["emb",0,0,{}]]]},
            {"name":"cnt","class_name":"Discretization","config":{"name":"cnt","bin_boundaries":[-2,-0.5,0,0.5,2],
              "output_mode":"count"},"inbound_nodes":[[["rs",0,0,{}]]]},
            {"name":"mh","class_name":"Discretization","config":{"name":"mh","bin_boundaries":[-2,-0.5,0,0.5,2],
              "output_mode":"multi_hot"},"inbound_nodes":[[["rs",0,0,{}]]]},
            {"name":"oh","class_name":"Discretization","config":{"name":"oh","bin_boundaries":[-2,-0.5,0,0.5,2],
              "output_mode":"one_hot"},"inbound_nodes":[[["rs",0,0,{}]]]},
            {"name":"flat_oh","class_name":"Flatten","config":{"name":"flat_oh"},"inbound_nodes":[[["oh",0,0,{}]]]},
            {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
             "inbound_nodes":[[["flat",0,0,{}],["cnt",0,0,{}],["mh",0,0,{}],["flat_oh",0,0,{}]]]}],
           "input_layers":[["a",0,0]],"output_layers":[["cat",0,0]]}})",
         {weights("emb", {{6, 3}})},
         {2, 18 + 6 + 6 + 36}},
        // CategoryEncoding one_hot: one vector per id, the ids' trailing axis of size 1 dropped.
        {"category_encoding_one_hot",
         "numpy transcription of Keras's CategoryEncoding math (one_hot)",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"ids","class_name":"InputLayer","config":{"name":"ids","batch_input_shape":[null,1]},"inbound_nodes":[]},
            {"name":"oh","class_name":"CategoryEncoding","config":{"name":"oh","num_tokens":5,"output_mode":"one_hot"},
             "inbound_nodes":[[["ids",0,0,{}]]]}],
           "input_layers":[["ids",0,0]],"output_layers":[["oh",0,0]]}})",
         {},
         {2, 5}},
        // Conv1D (causal, dilated), DepthwiseConv1D, SeparableConv1D (depthwise then 1x1 pointwise) and
        // Conv1DTranspose (output_padding): cross-correlation / its transpose as Keras (TF) defines them, SAME
        // padding with the odd element after, transposed outputs cropped to Keras's output length.
        {"conv1d_family",
         "numpy transcription of Keras's Conv1D (causal), DepthwiseConv1D, SeparableConv1D and "
         "Conv1DTranspose math",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"Conv1D","config":{"name":"c","batch_input_shape":[null,7,3],"filters":4,"kernel_size":3,
              "padding":"causal","dilation_rate":2}},
            {"class_name":"DepthwiseConv1D","config":{"name":"dw","kernel_size":2,"depth_multiplier":2,
              "padding":"same"}},
            {"class_name":"SeparableConv1D","config":{"name":"sep","filters":2,"kernel_size":3,"padding":"same",
              "strides":2,"depth_multiplier":2}},
            {"class_name":"Conv1DTranspose","config":{"name":"ct","filters":3,"kernel_size":3,"strides":2,
              "padding":"same","output_padding":1}}]}})",
         {weights("c", {{3, 3, 4}, {4}}), weights("dw", {{2, 4, 2}, {8}}), weights("sep", {{3, 8, 2}, {1, 16, 2}, {2}}),
          weights("ct", {{3, 3, 2}, {3}})},
         {2, 8, 3}},
        {"conv_transpose_3d",
         "numpy transcription of Keras's Conv3DTranspose math",
         R"({"class_name":"Sequential","config":{"name":"s","layers":[
            {"class_name":"Conv3DTranspose","config":{"name":"ct","batch_input_shape":[null,2,3,2,2],"filters":2,
              "kernel_size":[2,3,3],"strides":[2,1,2],"padding":"same"}},
            {"class_name":"Conv3DTranspose","config":{"name":"ct2","filters":2,"kernel_size":2,"strides":2,
              "padding":"valid"}}]}})",
         {weights("ct", {{2, 3, 3, 2, 2}, {2}}), weights("ct2", {{2, 2, 2, 2, 2}, {2}})},
         {2, 8, 6, 8, 2}},
        // Attention (use_scale) with the call argument use_causal_mask, AdditiveAttention with tf.keras 2.4's
        // `causal` constructor argument: key j is masked for query i when j > i (scores minus 1e9).
        {"attention_causal",
         "numpy transcription of Keras's Attention and AdditiveAttention math with causal masks",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"q","class_name":"InputLayer","config":{"name":"q","batch_input_shape":[null,5,4]},"inbound_nodes":[]},
            {"name":"v","class_name":"InputLayer","config":{"name":"v","batch_input_shape":[null,6,4]},"inbound_nodes":[]},
            {"name":"att","class_name":"Attention","config":{"name":"att","use_scale":true},
             "inbound_nodes":[[["q",0,0,{"use_causal_mask":true}],["v",0,0,{"use_causal_mask":true}]]]},
            {"name":"add","class_name":"AdditiveAttention","config":{"name":"add","use_scale":true,"causal":true},
             "inbound_nodes":[[["q",0,0,{}],["v",0,0,{}]]]},
            {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
             "inbound_nodes":[[["att",0,0,{}],["add",0,0,{}]]]}],
           "input_layers":[["q",0,0],["v",0,0]],"output_layers":[["cat",0,0]]}})",
         {KerasWeights{"att", {"scale"}, {Tensor::from_vector<float>({}, {1.7f})}}, weights("add", {{4}})},
         {2, 5, 8}},
        // return_attention_scores: the layer's second output is the softmax weights.
        {"attention_scores",
         "numpy transcription of Keras's Attention math (attention scores output)",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"q","class_name":"InputLayer","config":{"name":"q","batch_input_shape":[null,5,4]},"inbound_nodes":[]},
            {"name":"v","class_name":"InputLayer","config":{"name":"v","batch_input_shape":[null,6,4]},"inbound_nodes":[]},
            {"name":"att","class_name":"Attention","config":{"name":"att"},
             "inbound_nodes":[[["q",0,0,{"return_attention_scores":true}],["v",0,0,{"return_attention_scores":true}]]]}],
           "input_layers":[["q",0,0],["v",0,0]],"output_layers":[["att",0,1]]}})",
         {},
         {2, 5, 6}},
        // MultiHeadAttention with an attention_mask (ReLU(threshold) zeroes ~60% of it; non-zero attends) and
        // use_causal_mask, combined with a logical and; rows masked entirely round as Keras's float32 -1e9 does.
        {"multi_head_attention_masks",
         "numpy transcription of Keras's MultiHeadAttention math (attention_mask and causal mask)",
         mha_model("[\"mha\",0,0]"),
         mha_weights(),
         {2, 5, 6}},
        {"multi_head_attention_scores",
         "numpy transcription of Keras's MultiHeadAttention math (attention scores output)",
         mha_model("[\"mha\",0,1]"),
         mha_weights(),
         {2, 2, 5, 5}},
        // Resizing: TF 2's tf.image.resize (half-pixel centers, no antialiasing): bilinear samples
        // (o + 0.5) * in / out - 0.5 between its clamped neighbours; nearest takes floor((o + 0.5) * in / out).
        // Height 6 -> 3 puts nearest exactly halfway between two pixels (ties go to the later one).
        {"resizing_up",
         "numpy transcription of Keras's Resizing math (TF 2 tf.image.resize, half-pixel)",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"a","class_name":"InputLayer","config":{"name":"a","batch_input_shape":[null,5,5,3]},"inbound_nodes":[]},
            {"name":"rz","class_name":"Resizing","config":{"name":"rz","height":8,"width":6,"interpolation":"bilinear"},
             "inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"rn","class_name":"Resizing","config":{"name":"rn","height":8,"width":6,"interpolation":"nearest"},
             "inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
             "inbound_nodes":[[["rz",0,0,{}],["rn",0,0,{}]]]}],
           "input_layers":[["a",0,0]],"output_layers":[["cat",0,0]]}})",
         {},
         {2, 8, 6, 6}},
        {"resizing_down",
         "numpy transcription of Keras's Resizing math (TF 2 tf.image.resize, half-pixel)",
         R"({"class_name":"Model","config":{"name":"m","layers":[
            {"name":"a","class_name":"InputLayer","config":{"name":"a","batch_input_shape":[null,6,5,2]},"inbound_nodes":[]},
            {"name":"rz","class_name":"Resizing","config":{"name":"rz","height":3,"width":4,"interpolation":"bilinear"},
             "inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"rn","class_name":"Resizing","config":{"name":"rn","height":3,"width":4,"interpolation":"nearest"},
             "inbound_nodes":[[["a",0,0,{}]]]},
            {"name":"cat","class_name":"Concatenate","config":{"name":"cat","axis":-1},
             "inbound_nodes":[[["rz",0,0,{}],["rn",0,0,{}]]]}],
           "input_layers":[["a",0,0]],"output_layers":[["cat",0,0]]}})",
         {},
         {2, 3, 4, 4}},
    };
}

// |got - ref| <= atol + rtol |ref| everywhere; "" or the first violation.
std::string compare(const Tensor& got, const Tensor& ref, double atol, double rtol) {
    if (got.dtype() != DType::kFloat32) return "not float32";
    if (got.shape() != ref.shape())
        return "shape " + shape_str(got.shape()) + " vs reference " + shape_str(ref.shape());
    const auto a = got.span<const float>();
    const auto b = ref.span<const float>();
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double err = std::fabs(static_cast<double>(a[i]) - b[i]);
        if (!(err <= atol + rtol * std::fabs(static_cast<double>(b[i]))))
            return "element " + std::to_string(i) + ": " + std::to_string(a[i]) + " vs reference " +
                   std::to_string(b[i]);
    }
    return "";
}

TEST(KerasNumpyReference, KonnxAndOnnxRuntimeMatchNumpyTranscriptionOfKeras) {
    const auto cs = cases();
    std::vector<std::string> files, dirs;
    for (const auto& c : cs) {
        SCOPED_TRACE(c.name);
        const std::string d = binary_dir() + "/keras_numpy_reference/" + c.name;
        fs::create_directories(d);
        dirs.push_back(d);
        write_keras_h5(d + "/model.h5", json::parse(c.model), c.weights, c.keras_version);
        ConvertReport rep;
        ASSERT_NO_THROW(files.push_back(prepare_parity_case(d + "/model.h5", "", d, 1e-4, 1e-3, {}, &rep)));
        // The reference: numpy, from the .h5's config and weights and the same input files.
        std::ifstream in(files.back());
        const json spec = json::parse(in);
        std::vector<std::string> argv = {konnx::test::python(), source_dir() + "/tools/keras_numpy_reference.py",
                                         d + "/model.h5", d + "/numpy_ref.npy"};
        for (const auto& i : spec.at("inputs"))
            argv.push_back(i.at("name").get<std::string>() + "=" + i.at("file").get<std::string>());
        fs::remove(d + "/numpy_ref.npy");
        const auto r = run_command(argv, 120);
        ASSERT_EQ(r.exit_code, 0) << c.reference << ": " << r.err;
        const Tensor ref = read_npy(d + "/numpy_ref.npy");
        EXPECT_EQ(ref.shape(), Shape(c.out_shape.begin(), c.out_shape.end()));
        // konnx's engine against the numpy reference.
        Session session = Session::open(spec.at("onnx").get<std::string>());
        std::vector<std::pair<std::string, Tensor>> feeds;
        for (const auto& i : spec.at("inputs"))
            feeds.emplace_back(i.at("name"), read_npy(i.at("file")));
        const auto outs = session.run(feeds);
        ASSERT_EQ(outs.size(), 1u);
        EXPECT_EQ(compare(outs[0], ref, 1e-4, 1e-3), "") << "konnx vs " << c.reference;
    }
    if (const std::string why = parity_unavailable_reason(); !why.empty()) {
        std::cout << "konnx matched the numpy reference; onnxruntime not checked: " << why << "\n";
        return;
    }
    const auto res = run_parity_cases(files);
    for (std::size_t i = 0; i < cs.size(); ++i) {
        SCOPED_TRACE(cs[i].name);
        EXPECT_EQ(res[i].value("ort", ""), "ok") << res[i].dump();
        ASSERT_TRUE(fs::exists(dirs[i] + "/ort_0.npy")) << res[i].dump();
        EXPECT_EQ(compare(read_npy(dirs[i] + "/ort_0.npy"), read_npy(dirs[i] + "/numpy_ref.npy"), 1e-4, 1e-3), "")
            << "onnxruntime vs " << cs[i].reference;
    }
}

}  // namespace
}  // namespace konnx::test
