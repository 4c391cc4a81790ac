// SPDX-License-Identifier: MIT
// The converter framework: a LayerRegistry (one converter per Keras class_name, registered by the files
// in src/keras/layers/) and the ConvertContext that converters use to read their layer and emit IR.
//
// Layout policy: every Keras tensor is held as an ONNX value plus a permutation `perm` (physical ONNX
// axis i holds Keras logical axis perm[i]). Conv/Pool/BN converters ask for their input channels-first,
// shape-sensitive ones (Flatten, Reshape, Dense on the last axis) for Keras order, elementwise ones take
// whatever layout the tensor has. A Transpose is emitted only where the held layout differs from the one
// asked for, and at most once per (value, layout).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "graph/ir.hpp"
#include "keras/model.hpp"
#include "konnx/convert.hpp"

namespace konnx::keras {

/// A Keras tensor as held in the ONNX graph.
struct KTensor {
    std::string value;      ///< ONNX value name
    std::vector<int> perm;  ///< physical axis i holds Keras axis perm[i]
    Shape shape;            ///< Keras logical shape (batch first), -1 where unknown
    DType dtype = DType::kFloat32;
    std::string seq_lens;  ///< int32 [N] valid-step counts from a Masking / Embedding(mask_zero) upstream, or ""
    /// Keras's mask of a [N, T, ...] tensor: float [N, T] in Keras order, 1 where a step is kept, or "". Set by
    /// Masking and Embedding(mask_zero), carried by the layers Keras carries it through (end_layer), used by
    /// GlobalAveragePooling1D and the attention layers.
    std::string mask;
    /// A Flatten of a tensor held in another layout is kept lazy: `value` is the flattened *physical*
    /// tensor, whose feature j is Keras feature feature_order[j]. Dense folds the order into its kernel
    /// rows; every other consumer gets it materialized (Transpose + Flatten) first.
    std::vector<int64_t> feature_order;
    std::shared_ptr<const KTensor> unflattened;
    std::vector<int> flatten_order;  ///< the Keras-side order Flatten used (channels-first Flatten permutes)
    std::size_t rank() const { return shape.size(); }
    /// Physical shape (shape permuted by perm).
    Shape physical_shape() const;
    /// Physical position of Keras axis `axis` (negative counts from the end).
    int physical_axis(int axis) const;
};

std::vector<int> identity_perm(std::size_t rank);
/// [0, r-1, 1, ..., r-2]: Keras channels-last held as ONNX channels-first.
std::vector<int> channels_first_perm(std::size_t rank);

class ConvertContext;
using LayerConverter = std::function<void(ConvertContext&)>;

class LayerRegistry {
public:
    void add(const std::string& class_name, LayerConverter fn) { converters_[class_name] = std::move(fn); }
    const LayerConverter* find(const std::string& class_name) const {
        auto it = converters_.find(class_name);
        return it == converters_.end() ? nullptr : &it->second;
    }
    std::vector<std::string> classes() const;
    static const LayerRegistry& global();

private:
    std::map<std::string, LayerConverter> converters_;
};

class ConvertContext {
public:
    ConvertContext(graph::Graph& graph, const ConvertOptions& options, const KerasModel& root);

    // ---- the layer being converted
    const Layer& layer() const { return *layer_; }
    const json& config() const { return layer_->config; }
    const std::string& name() const { return layer_->name; }
    int keras_major() const { return keras_major_; }
    const std::string& keras_version() const { return keras_version_; }
    int opset() const { return options_.opset; }
    const std::vector<KTensor>& inputs() const { return inputs_; }
    const KTensor& input(std::size_t i = 0) const;
    /// Tensor-valued keyword arguments of the call (initial_state, mask, ...); empty when absent.
    std::vector<KTensor> kwarg_tensors(const std::string& key) const;
    /// A boolean keyword argument of the call (use_causal_mask, return_attention_scores, ...), else `def`.
    bool call_flag(const char* key, bool def) const;
    void set_outputs(std::vector<KTensor> outputs) { outputs_ = std::move(outputs); }
    void set_output(KTensor output) { outputs_ = {std::move(output)}; }

    std::size_t num_weights() const { return layer_->weights.size(); }
    const Tensor& weight(std::size_t i) const;
    /// Fails unless the layer has exactly one of the given weight counts.
    void expect_weights(std::initializer_list<std::size_t> counts) const;

    // ---- config access (with Keras defaults)
    bool has(const char* key) const { return config().contains(key) && !config()[key].is_null(); }
    std::string str(const char* key, const std::string& def) const;
    int64_t i64(const char* key, int64_t def) const;
    double f64(const char* key, double def) const;
    bool flag(const char* key, bool def) const;
    /// An int or a list of ints broadcast to n entries.
    std::vector<int64_t> ints(const char* key, std::size_t n, int64_t def) const;
    bool channels_first() const { return str("data_format", "channels_last") == "channels_first"; }

    // ---- emitting
    /// Adds a node; its name is the layer name for the first node of a layer, then "<layer>/<op>".
    std::vector<std::string> emit(const std::string& op_type, const std::vector<std::string>& inputs,
                                  std::vector<std::pair<std::string, graph::Attribute>> attrs = {},
                                  std::size_t num_outputs = 1);
    std::string emit1(const std::string& op_type, const std::vector<std::string>& inputs,
                      std::vector<std::pair<std::string, graph::Attribute>> attrs = {}) {
        return emit(op_type, inputs, std::move(attrs), 1)[0];
    }
    std::string add_initializer(const Tensor& t, const std::string& hint);
    std::string const_i64(const std::vector<int64_t>& values, const std::string& hint);
    std::string const_f32(const std::vector<float>& values, const Shape& shape, const std::string& hint);
    std::string scalar_f32(float v, const std::string& hint) { return const_f32({v}, {}, hint); }
    /// `v` converted to `to` (an ONNX Cast).
    std::string cast(const std::string& v, DType to) {
        return emit1("Cast", {v}, {{"to", graph::Attribute::of_int(static_cast<int64_t>(to))}});
    }

    /// The tensor's value in layout `perm` (emitting one memoized Transpose when needed).
    std::string as_perm(const KTensor& t, const std::vector<int>& perm);
    std::string as_keras(const KTensor& t) { return as_perm(t, identity_perm(t.rank())); }
    /// A lazily flattened tensor made concrete in Keras order (others are returned unchanged).
    KTensor materialize(const KTensor& t);
    /// Channels-first physical layout for a layer with the given data_format.
    std::vector<int> physical_perm_for(std::size_t rank, bool channels_first_format) const {
        return channels_first_format ? identity_perm(rank) : channels_first_perm(rank);
    }

    /// Applies a Keras activation by name to `t` (any layout); "linear" returns t unchanged.
    KTensor activation(const KTensor& t, const std::string& activation);
    /// Applies the layer's `activation` config entry.
    KTensor layer_activation(const KTensor& t) { return activation(t, str("activation", "linear")); }

    /// Converts `inner` (a wrapped layer: TimeDistributed, Bidirectional) on `inputs`; returns its outputs.
    std::vector<KTensor> call_layer(const Layer& inner, const std::vector<KTensor>& inputs);
    /// Runs `fn` with `inner` as the current layer (its config readable through the accessors above).
    void call_layer_config(const Layer& inner, const std::function<void()>& fn);

    [[noreturn]] void unsupported(const std::string& what) const;
    [[noreturn]] void invalid(const std::string& what) const;
    std::string where() const { return cat("layer '", layer_->name, "' (", layer_->class_name, ")"); }

    // ---- used by the driver
    void begin_layer(const Layer& layer, const InboundNode* node, std::vector<KTensor> inputs,
                     std::map<std::string, std::vector<KTensor>> kwargs);
    std::vector<KTensor> end_layer();
    /// Keras's mask (KTensor::mask) of a merge layer's output: the logical and of its inputs' masks.
    std::string merged_mask();
    std::string unique_value(const std::string& hint);
    graph::Graph& graph() { return graph_; }

private:
    std::string unique_node(const std::string& hint);

    graph::Graph& graph_;
    const ConvertOptions& options_;
    int keras_major_ = 2;
    std::string keras_version_;
    const Layer* layer_ = nullptr;
    const InboundNode* node_ = nullptr;  // the call being converted; null for wrapped inner layers
    std::vector<KTensor> inputs_;
    std::map<std::string, std::vector<KTensor>> kwargs_;
    std::vector<KTensor> outputs_;
    int nodes_in_layer_ = 0;
    std::set<std::string> node_names_, value_names_;
    std::map<std::pair<std::string, std::vector<int>>, std::string> transposes_;
    std::map<std::string, std::vector<std::string>> initializer_cache_;  // "<layer>/<hint>" -> initializers
};

/// Keras output length of a convolution / pooling along one axis (-1 stays unknown).
int64_t conv_output_length(int64_t in, int64_t kernel, const std::string& padding, int64_t stride, int64_t dilation);

}  // namespace konnx::keras
