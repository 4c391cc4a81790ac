// SPDX-License-Identifier: MIT
// ConvertContext: emitting IR for one Keras layer call, layouts, activations (see convert_context.hpp).
#include "keras/convert_context.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace konnx::keras {

using graph::Attribute;

Shape KTensor::physical_shape() const {
    Shape s(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i)
        s[i] = shape[static_cast<std::size_t>(perm[i])];
    return s;
}

int KTensor::physical_axis(int axis) const {
    const int r = static_cast<int>(rank());
    if (axis < 0) axis += r;
    for (int i = 0; i < r; ++i)
        if (perm[static_cast<std::size_t>(i)] == axis) return i;
    fail(ErrorCode::kInvalidModel, "axis ", axis, " out of range for a rank-", r, " tensor");
}

std::vector<int> identity_perm(std::size_t rank) {
    std::vector<int> p(rank);
    for (std::size_t i = 0; i < rank; ++i)
        p[i] = static_cast<int>(i);
    return p;
}

std::vector<int> channels_first_perm(std::size_t rank) {
    if (rank < 3) return identity_perm(rank);
    std::vector<int> p = {0, static_cast<int>(rank) - 1};
    for (std::size_t i = 1; i + 1 < rank; ++i)
        p.push_back(static_cast<int>(i));
    return p;
}

std::vector<std::string> LayerRegistry::classes() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : converters_)
        out.push_back(k);
    return out;
}

#define KONNX_LAYER_FILE(stem) void register_##stem(LayerRegistry&);
#include "layer_list.inc"
#undef KONNX_LAYER_FILE

const LayerRegistry& LayerRegistry::global() {
    static const LayerRegistry registry = [] {
        LayerRegistry r;
#define KONNX_LAYER_FILE(stem) register_##stem(r);
#include "layer_list.inc"
#undef KONNX_LAYER_FILE
        return r;
    }();
    return registry;
}

int64_t conv_output_length(int64_t in, int64_t kernel, const std::string& padding, int64_t stride, int64_t dilation) {
    if (in < 0) return -1;
    const int64_t k = (kernel - 1) * dilation + 1;
    int64_t len = 0;
    if (padding == "same" || padding == "causal")
        len = in;
    else if (padding == "full")
        len = in + k - 1;
    else
        len = in - k + 1;
    return std::max<int64_t>(0, (len + stride - 1) / stride);
}

ConvertContext::ConvertContext(graph::Graph& graph, const ConvertOptions& options, const KerasModel& root)
    : graph_(graph), options_(options), keras_major_(root.major_version()), keras_version_(root.keras_version) {}

const KTensor& ConvertContext::input(std::size_t i) const {
    if (i >= inputs_.size()) invalid(cat("expects at least ", i + 1, " input(s), got ", inputs_.size()));
    return inputs_[i];
}

std::vector<KTensor> ConvertContext::kwarg_tensors(const std::string& key) const {
    auto it = kwargs_.find(key);
    return it == kwargs_.end() ? std::vector<KTensor>{} : it->second;
}

const Tensor& ConvertContext::weight(std::size_t i) const {
    if (i >= layer_->weights.size())
        invalid(cat("expects at least ", i + 1, " weight(s), the file has ", layer_->weights.size()));
    return layer_->weights[i];
}

void ConvertContext::expect_weights(std::initializer_list<std::size_t> counts) const {
    for (auto c : counts)
        if (c == layer_->weights.size()) return;
    invalid(cat("expects ", join(counts, " or "), " weight(s), the file has ", layer_->weights.size()));
}

std::string ConvertContext::str(const char* key, const std::string& def) const {
    if (!has(key)) return def;
    const json& v = config()[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("config") && v["config"].is_string()) return v["config"].get<std::string>();
    if (v.is_object() && v.contains("class_name") && v["class_name"].is_string())
        return v["class_name"].get<std::string>();
    invalid(cat("config '", key, "' should be a string, got ", v.dump().substr(0, 80)));
}

int64_t ConvertContext::i64(const char* key, int64_t def) const {
    if (!has(key)) return def;
    const json& v = config()[key];
    if (v.is_number()) return v.get<int64_t>();
    if (v.is_array() && v.size() == 1 && v[0].is_number()) return v[0].get<int64_t>();
    invalid(cat("config '", key, "' should be an integer, got ", v.dump().substr(0, 80)));
}

double ConvertContext::f64(const char* key, double def) const {
    if (!has(key)) return def;
    const json& v = config()[key];
    if (v.is_number()) return v.get<double>();
    invalid(cat("config '", key, "' should be a number, got ", v.dump().substr(0, 80)));
}

bool ConvertContext::call_flag(const char* key, bool def) const {
    if (!node_ || !node_->kwargs.contains(key) || node_->kwargs[key].is_null()) return def;
    const json& v = node_->kwargs[key];
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>() != 0;
    invalid(cat("call argument '", key, "' should be a boolean"));
}

bool ConvertContext::flag(const char* key, bool def) const {
    if (!has(key)) return def;
    const json& v = config()[key];
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>() != 0;
    invalid(cat("config '", key, "' should be a boolean"));
}

std::vector<int64_t> ConvertContext::ints(const char* key, std::size_t n, int64_t def) const {
    if (!has(key)) return std::vector<int64_t>(n, def);
    const json& v = config()[key];
    if (v.is_number()) return std::vector<int64_t>(n, v.get<int64_t>());
    if (v.is_array() && v.size() == 1 && v[0].is_number()) return std::vector<int64_t>(n, v[0].get<int64_t>());
    if (v.is_array() && v.size() == n) {
        std::vector<int64_t> out;
        for (const auto& e : v) {
            if (!e.is_number()) invalid(cat("config '", key, "' should hold integers"));
            out.push_back(e.get<int64_t>());
        }
        return out;
    }
    invalid(cat("config '", key, "' should be an integer or ", n, " integers, got ", v.dump().substr(0, 80)));
}

std::string ConvertContext::unique_value(const std::string& hint) {
    std::string name = hint;
    for (int k = 1; value_names_.count(name); ++k)
        name = cat(hint, "_", k);
    value_names_.insert(name);
    return name;
}

std::string ConvertContext::unique_node(const std::string& hint) {
    std::string name = hint;
    for (int k = 1; node_names_.count(name); ++k)
        name = cat(hint, "_", k);
    node_names_.insert(name);
    return name;
}

std::vector<std::string> ConvertContext::emit(const std::string& op_type, const std::vector<std::string>& inputs,
                                              std::vector<std::pair<std::string, Attribute>> attrs,
                                              std::size_t num_outputs) {
    graph::Node node;
    const std::string base = layer_ ? layer_->name : std::string("konnx");
    node.name = unique_node(nodes_in_layer_ == 0 ? base : base + "/" + op_type);
    ++nodes_in_layer_;
    node.op_type = op_type;
    node.inputs = inputs;
    for (std::size_t i = 0; i < num_outputs; ++i)
        node.outputs.push_back(unique_value(num_outputs == 1 ? node.name : cat(node.name, ":", i)));
    node.attributes = std::move(attrs);
    graph_.nodes.push_back(node);
    return graph_.nodes.back().outputs;
}

std::string ConvertContext::add_initializer(const Tensor& t, const std::string& hint) {
    const std::string base = (layer_ ? layer_->name + "/" : std::string()) + hint;
    // A shared layer called again produces the same weights: reuse them instead of storing a copy.
    auto& seen = initializer_cache_[base];
    for (const auto& name : seen) {
        const Tensor& have = graph_.initializers[name];
        if (have.dtype() == t.dtype() && have.shape() == t.shape() &&
            (have.raw() == t.raw() || std::memcmp(have.raw(), t.raw(), t.nbytes()) == 0))
            return name;
    }
    const std::string name = unique_value(base);
    graph_.initializers[name] = t;
    seen.push_back(name);
    return name;
}

std::string ConvertContext::const_i64(const std::vector<int64_t>& values, const std::string& hint) {
    return add_initializer(Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values), hint);
}

std::string ConvertContext::const_f32(const std::vector<float>& values, const Shape& shape, const std::string& hint) {
    return add_initializer(Tensor::from_vector<float>(shape, values), hint);
}

KTensor ConvertContext::materialize(const KTensor& t) {
    if (t.feature_order.empty()) return t;
    const std::string key = t.value + "#materialized";
    KTensor out = t;
    out.feature_order.clear();
    out.unflattened.reset();
    out.flatten_order.clear();
    if (auto it = transposes_.find({key, {}}); it != transposes_.end()) {
        out.value = it->second;
        return out;
    }
    out.value = emit1("Flatten", {as_perm(*t.unflattened, t.flatten_order)}, {{"axis", Attribute::of_int(1)}});
    transposes_[{key, {}}] = out.value;
    return out;
}

std::string ConvertContext::as_perm(const KTensor& t_in, const std::vector<int>& perm) {
    if (!t_in.feature_order.empty()) return as_perm(materialize(t_in), perm);
    const KTensor& t = t_in;
    if (t.perm == perm) return t.value;
    KONNX_ASSERT(perm.size() == t.perm.size());
    auto key = std::make_pair(t.value, perm);
    if (auto it = transposes_.find(key); it != transposes_.end()) return it->second;
    std::vector<int64_t> q(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i)
        q[i] = std::find(t.perm.begin(), t.perm.end(), perm[i]) - t.perm.begin();
    const std::string out = emit1("Transpose", {t.value}, {{"perm", Attribute::of_ints(q)}});
    transposes_[key] = out;
    return out;
}

KTensor ConvertContext::activation(const KTensor& t, const std::string& act_in) {
    std::string act = to_lower(act_in);
    KTensor out = t;
    auto unary = [&](const char* op, std::vector<std::pair<std::string, Attribute>> attrs = {}) {
        out.value = emit1(op, {t.value}, std::move(attrs));
        return out;
    };
    if (act == "linear" || act.empty() || act == "none") return t;
    if (act == "relu") return unary("Relu");
    if (act == "sigmoid") return unary("Sigmoid");
    if (act == "tanh") return unary("Tanh");
    if (act == "softplus") return unary("Softplus");
    if (act == "softsign") return unary("Softsign");
    if (act == "exponential") return unary("Exp");
    if (act == "elu") return unary("Elu", {{"alpha", Attribute::of_float(1.0f)}});
    if (act == "selu")
        return unary("Selu", {{"alpha", Attribute::of_float(1.6732632423543772f)},
                              {"gamma", Attribute::of_float(1.0507009873554805f)}});
    if (act == "hard_sigmoid") {
        const float alpha = keras_major_ >= 3 ? 1.0f / 6.0f : 0.2f;
        return unary("HardSigmoid", {{"alpha", Attribute::of_float(alpha)}, {"beta", Attribute::of_float(0.5f)}});
    }
    if (act == "softmax" || act == "log_softmax")
        return unary(act == "softmax" ? "Softmax" : "LogSoftmax", {{"axis", Attribute::of_int(t.physical_axis(-1))}});
    if (act == "relu6") {
        out.value = emit1("Clip", {t.value, scalar_f32(0, "zero"), scalar_f32(6, "six")});
        return out;
    }
    if (act == "leaky_relu") return unary("LeakyRelu", {{"alpha", Attribute::of_float(0.2f)}});
    if (act == "swish" || act == "silu") {
        out.value = emit1("Mul", {t.value, emit1("Sigmoid", {t.value})});
        return out;
    }
    if (act == "hard_swish" || act == "hard_silu") {
        const std::string hs =
            emit1("HardSigmoid", {t.value},
                  {{"alpha", Attribute::of_float(1.0f / 6.0f)}, {"beta", Attribute::of_float(0.5f)}});
        out.value = emit1("Mul", {t.value, hs});
        return out;
    }
    if (act == "mish") {
        out.value = emit1("Mul", {t.value, emit1("Tanh", {emit1("Softplus", {t.value})})});
        return out;
    }
    if (act == "gelu") {  // exact: 0.5 x (1 + erf(x / sqrt(2)))
        const std::string e = emit1("Erf", {emit1("Mul", {t.value, scalar_f32(float(M_SQRT1_2), "rsqrt2")})});
        const std::string one = emit1("Add", {e, scalar_f32(1, "one")});
        out.value = emit1("Mul", {emit1("Mul", {t.value, scalar_f32(0.5f, "half")}), one});
        return out;
    }
    if (act == "gelu_approximate") {
        const std::string x3 = emit1("Mul", {emit1("Mul", {t.value, t.value}), t.value});
        const std::string inner = emit1("Add", {t.value, emit1("Mul", {x3, scalar_f32(0.044715f, "c")})});
        const std::string th =
            emit1("Tanh", {emit1("Mul", {inner, scalar_f32(float(std::sqrt(2.0 / M_PI)), "sqrt_2_pi")})});
        out.value =
            emit1("Mul", {emit1("Mul", {t.value, scalar_f32(0.5f, "half")}), emit1("Add", {th, scalar_f32(1, "one")})});
        return out;
    }
    if (act == "log_sigmoid") {
        out.value = emit1("Neg", {emit1("Softplus", {emit1("Neg", {t.value})})});
        return out;
    }
    unsupported(cat("activation '", act_in, "'"));
}

std::vector<KTensor> ConvertContext::call_layer(const Layer& inner, const std::vector<KTensor>& inputs) {
    const auto* conv = LayerRegistry::global().find(inner.class_name);
    if (!conv) unsupported(cat("wrapped layer class '", inner.class_name, "'"));
    // Save the outer state, convert the inner layer, restore.
    const Layer* saved_layer = layer_;
    const InboundNode* saved_node = node_;
    auto saved_inputs = std::move(inputs_);
    auto saved_kwargs = std::move(kwargs_);
    auto saved_outputs = std::move(outputs_);
    const int saved_nodes = nodes_in_layer_;
    layer_ = &inner;
    node_ = nullptr;
    inputs_ = inputs;
    kwargs_.clear();
    outputs_.clear();
    nodes_in_layer_ = 1;  // inner nodes are "<inner>/<op>"
    (*conv)(*this);
    auto result = std::move(outputs_);
    layer_ = saved_layer;
    node_ = saved_node;
    inputs_ = std::move(saved_inputs);
    kwargs_ = std::move(saved_kwargs);
    outputs_ = std::move(saved_outputs);
    nodes_in_layer_ = saved_nodes + 1;
    if (result.empty()) invalid(cat("wrapped layer '", inner.name, "' produced no output"));
    return result;
}

void ConvertContext::call_layer_config(const Layer& inner, const std::function<void()>& fn) {
    const Layer* saved = layer_;
    layer_ = &inner;
    try {
        fn();
    } catch (...) {
        layer_ = saved;
        throw;
    }
    layer_ = saved;
}

void ConvertContext::unsupported(const std::string& what) const {
    fail(ErrorCode::kUnsupported, where(), ": ", what, " is not supported");
}

void ConvertContext::invalid(const std::string& what) const { fail(ErrorCode::kInvalidModel, where(), ": ", what); }

void ConvertContext::begin_layer(const Layer& layer, const InboundNode* node, std::vector<KTensor> inputs,
                                 std::map<std::string, std::vector<KTensor>> kwargs) {
    layer_ = &layer;
    node_ = node;
    inputs_ = std::move(inputs);
    kwargs_ = std::move(kwargs);
    outputs_.clear();
    nodes_in_layer_ = 0;
    // Only Dense (which folds the order into its kernel) and pass-through layers take a lazily flattened
    // tensor as is; everything else gets it materialized (materializing re-flattens the pre-Flatten tensor,
    // so nothing that changes values may sit between Flatten and the consumer).
    static const std::set<std::string> lazy_ok = {"Dense",           "Dropout",         "AlphaDropout",
                                                  "GaussianNoise",   "GaussianDropout", "ActivityRegularization",
                                                  "SpatialDropout1D"};
    if (!lazy_ok.count(layer.class_name)) {
        for (auto& t : inputs_)
            t = materialize(t);
        for (auto& [k, ts] : kwargs_)
            for (auto& t : ts)
                t = materialize(t);
    }
}

std::string ConvertContext::merged_mask() {
    std::string keep;
    for (const auto& t : inputs_)
        if (!t.mask.empty()) keep = keep.empty() ? t.mask : emit1("Mul", {keep, t.mask});
    return keep;
}

namespace {

/// Which outputs carry Keras's mask (KTensor::mask) after a layer, as Keras's compute_mask decides: element-
/// and feature-wise layers pass their input's mask on, recurrent layers only with return_sequences, the
/// layers that make or merge masks set their own, and every other layer drops it.
void propagate_mask(const std::string& cls, bool return_sequences, const std::vector<KTensor>& inputs,
                    std::vector<KTensor>& outputs) {
    static const std::set<std::string> passes = {"Dense",
                                                 "Activation",
                                                 "Dropout",
                                                 "SpatialDropout1D",
                                                 "AlphaDropout",
                                                 "GaussianNoise",
                                                 "GaussianDropout",
                                                 "ActivityRegularization",
                                                 "ReLU",
                                                 "LeakyReLU",
                                                 "PReLU",
                                                 "ELU",
                                                 "ThresholdedReLU",
                                                 "Softmax",
                                                 "BatchNormalization",
                                                 "LayerNormalization",
                                                 "UnitNormalization",
                                                 "TimeDistributed",
                                                 "Attention",
                                                 "AdditiveAttention",
                                                 "MultiHeadAttention"};
    static const std::set<std::string> recurrent = {"LSTM", "GRU", "SimpleRNN", "Bidirectional"};
    static const std::set<std::string> own = {"Embedding", "Masking", "Add",     "Subtract",   "Multiply",
                                              "Average",   "Maximum", "Minimum", "Concatenate"};
    if (own.count(cls)) return;
    const std::string in = inputs.empty() ? "" : inputs[0].mask;
    for (std::size_t i = 0; i < outputs.size(); ++i)
        outputs[i].mask = i == 0 && (passes.count(cls) || (recurrent.count(cls) && return_sequences)) ? in : "";
}

}  // namespace

std::vector<KTensor> ConvertContext::end_layer() {
    if (outputs_.empty()) invalid("the converter produced no output");
    auto out = std::move(outputs_);
    propagate_mask(layer_->class_name, flag("return_sequences", false), inputs_, out);
    outputs_.clear();
    layer_ = nullptr;
    node_ = nullptr;
    return out;
}

}  // namespace konnx::keras
