// SPDX-License-Identifier: MIT
// The Keras graph as read from any file dialect, normalized: every model (Sequential or Functional,
// Keras 1 to 3) becomes a list of layers with explicit inbound nodes, and every layer carries its
// weights in Keras's own order (trainable then non-trainable, as `layer.get_weights()` returns them).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "konnx/tensor.hpp"

namespace konnx::keras {

using nlohmann::json;

/// A Keras tensor: output `tensor_index` of call `node_index` of layer `layer`.
struct TensorRef {
    std::string layer;
    int node_index = 0;
    int tensor_index = 0;
    bool operator<(const TensorRef& o) const {
        return std::tie(layer, node_index, tensor_index) < std::tie(o.layer, o.node_index, o.tensor_index);
    }
    bool operator==(const TensorRef& o) const = default;
};

/// One call of a layer.
struct InboundNode {
    std::vector<TensorRef> inputs;                          ///< positional tensors, flattened in order
    std::map<std::string, std::vector<TensorRef>> tensors;  ///< tensor-valued kwargs (initial_state, mask, ...)
    json kwargs = json::object();                           ///< the other kwargs (training, ...)
};

struct KerasModel;

struct Layer {
    std::string name, class_name;
    json config = json::object();  ///< normalized (Keras 1 keys renamed, dtype policies reduced to names)
    std::vector<InboundNode> inbound_nodes;
    std::vector<Tensor> weights;  ///< Keras order
    std::vector<std::string> weight_names;
    std::shared_ptr<KerasModel> nested;  ///< for Model / Functional / Sequential layers
};

struct KerasModel {
    std::string name, class_name;  ///< class: Sequential, Functional or Model
    std::string keras_version;     ///< "1.2.2", "2.2.4-tf", "3.6.0"; "1" when the file does not say
    std::string backend;           ///< tensorflow / theano / jax / torch / "" when unknown
    std::vector<Layer> layers;     ///< in config order (a topological order for valid files)
    std::vector<TensorRef> inputs, outputs;

    int major_version() const;  ///< 1, 2 or 3
    const Layer* find(const std::string& layer_name) const;
    int64_t parameter_count() const;
};

/// Reads a .h5 (full model, or weights-only with `arch_json_path`), a .keras zip, or an architecture
/// .json plus a weights .h5. Throws konnx::Error naming the file and object on any problem.
KerasModel read_keras_model(const std::string& path, const std::string& weights_path = "");

/// Builds the model structure from a `{"class_name", "config"}` model JSON (no weights).
KerasModel parse_model_config(const json& model_json, const std::string& keras_version, const std::string& where);

/// Keras 3's `to_snake_case(ClassName)`, used to find layers in `.keras` weight files.
std::string to_snake_case(const std::string& class_name);

}  // namespace konnx::keras
