// SPDX-License-Identifier: MIT
// Model JSON -> KerasModel, for every dialect:
//  * Keras <= 2.1 Sequential as a bare list, Keras 2.2+ {"name","layers"}; Sequential becomes an explicit
//    graph (an InputLayer is synthesized from `batch_input_shape` when the config has none);
//  * Functional (`Model` / `Functional`) with inbound nodes as [[name,node,tensor,kwargs],...] (Keras 1/2,
//    tf.keras) or [{"args","kwargs"}] with `__keras_tensor__` objects (Keras 3, also in legacy .h5);
//  * Keras 1 class names and keys (Convolution2D, nb_filter, border_mode, dim_ordering, output_dim, ...) are
//    renamed to their Keras 2 equivalents; dtype policies are reduced to their name.
#include <regex>
#include <set>

#include "core/error.hpp"
#include "keras/model.hpp"

namespace konnx::keras {
namespace {

bool is_tensor_ref_array(const json& j) {
    return j.is_array() && (j.size() == 3 || j.size() == 4) && j[0].is_string() && j[1].is_number_integer() &&
           j[2].is_number_integer();
}

bool is_keras3_tensor(const json& j) {
    return j.is_object() && j.value("class_name", "") == "__keras_tensor__" && j.contains("config") &&
           j["config"].contains("keras_history");
}

TensorRef ref_from_history(const json& h, const std::string& where) {
    check_model(
        h.is_array() && h.size() >= 3 && h[0].is_string() && h[1].is_number_integer() && h[2].is_number_integer(),
        where, ": malformed tensor reference ", h.dump().substr(0, 200));
    return {h[0].get<std::string>(), h[1].get<int>(), h[2].get<int>()};
}

/// Collects tensor references found anywhere in `j` (Keras 3 objects or [name,node,tensor] triples).
void collect_refs(const json& j, std::vector<TensorRef>& out, const std::string& where, bool allow_triples) {
    if (is_keras3_tensor(j)) {
        out.push_back(ref_from_history(j["config"]["keras_history"], where));
    } else if (allow_triples && is_tensor_ref_array(j)) {
        out.push_back(ref_from_history(j, where));
    } else if (j.is_array()) {
        for (const auto& e : j)
            collect_refs(e, out, where, allow_triples);
    } else if (j.is_object() && !j.contains("class_name")) {
        for (const auto& [k, v] : j.items())
            collect_refs(v, out, where, allow_triples);
    }
}

InboundNode parse_node(const json& node, const std::string& where) {
    InboundNode n;
    if (node.is_object() && (node.contains("args") || node.contains("kwargs"))) {  // Keras 3
        if (node.contains("args")) collect_refs(node["args"], n.inputs, where, false);
        if (node.contains("kwargs") && node["kwargs"].is_object())
            for (const auto& [k, v] : node["kwargs"].items()) {
                std::vector<TensorRef> refs;
                collect_refs(v, refs, where, false);
                if (!refs.empty())
                    n.tensors[k] = refs;
                else
                    n.kwargs[k] = v;
            }
        return n;
    }
    check_model(node.is_array(), where, ": malformed inbound node ", node.dump().substr(0, 200));
    const bool single = is_tensor_ref_array(node);
    const json list = single ? json::array({node}) : node;
    for (const auto& e : list) {
        check_model(is_tensor_ref_array(e), where, ": malformed inbound tensor ", e.dump().substr(0, 200));
        n.inputs.push_back(ref_from_history(e, where));
        if (e.size() == 4 && e[3].is_object())
            for (const auto& [k, v] : e[3].items()) {
                std::vector<TensorRef> refs;
                collect_refs(v, refs, where, true);
                if (!refs.empty())
                    n.tensors[k] = refs;
                else
                    n.kwargs[k] = v;
            }
    }
    return n;
}

std::vector<TensorRef> parse_io_list(const json& j, const std::string& where) {
    std::vector<TensorRef> out;
    if (j.is_null()) return out;
    if (is_tensor_ref_array(j)) return {ref_from_history(j, where)};
    collect_refs(j, out, where, true);
    return out;
}

std::string ordering_to_format(const std::string& ordering, const std::string& backend) {
    if (ordering == "th") return "channels_first";
    if (ordering == "tf") return "channels_last";
    return backend == "theano" ? "channels_first" : "channels_last";
}

/// Keras 1 -> Keras 2 names (tf-keras `legacy_layers` / keras 2.0 `interfaces` did the same at load time).
void upgrade_keras1(std::string& cls, json& c, const std::string& backend) {
    static const std::map<std::string, std::string> classes = {
        {"Convolution1D", "Conv1D"},
        {"Convolution2D", "Conv2D"},
        {"Convolution3D", "Conv3D"},
        {"AtrousConvolution1D", "Conv1D"},
        {"AtrousConvolution2D", "Conv2D"},
        {"Deconvolution2D", "Conv2DTranspose"},
        {"SeparableConvolution2D", "SeparableConv2D"},
    };
    if (auto it = classes.find(cls); it != classes.end()) cls = it->second;
    auto rename = [&](const char* from, const char* to) {
        if (c.contains(from) && !c.contains(to)) c[to] = c[from];
    };
    if (cls != "Embedding") rename("output_dim", "units");
    rename("nb_filter", "filters");
    rename("subsample", "strides");
    rename("border_mode", "padding");
    rename("inner_activation", "recurrent_activation");
    rename("atrous_rate", "dilation_rate");
    rename("input_dtype", "dtype");
    rename("bias", "use_bias");
    if (c.contains("p") && !c.contains("rate") && c["p"].is_number()) c["rate"] = c["p"];
    if (c.contains("nb_row") && c.contains("nb_col") && !c.contains("kernel_size")) {
        if (c.contains("kernel_dim3"))
            c["kernel_size"] = json::array({c["nb_row"], c["nb_col"], c["kernel_dim3"]});
        else
            c["kernel_size"] = json::array({c["nb_row"], c["nb_col"]});
    }
    if (c.contains("kernel_dim1") && !c.contains("kernel_size"))
        c["kernel_size"] = json::array({c["kernel_dim1"], c["kernel_dim2"], c["kernel_dim3"]});
    if (c.contains("filter_length") && !c.contains("kernel_size")) c["kernel_size"] = json::array({c["filter_length"]});
    if (c.contains("subsample_length") && !c.contains("strides")) c["strides"] = json::array({c["subsample_length"]});
    if (c.contains("pool_length") && !c.contains("pool_size")) c["pool_size"] = json::array({c["pool_length"]});
    if (c.contains("stride") && !c.contains("strides"))
        c["strides"] = c["stride"].is_null() ? json() : json::array({c["stride"]});
    if (c.contains("dim_ordering") && !c.contains("data_format"))
        c["data_format"] =
            ordering_to_format(c["dim_ordering"].is_string() ? c["dim_ordering"].get<std::string>() : "", backend);
    if (c.contains("length") && cls == "UpSampling1D" && !c.contains("size")) c["size"] = c["length"];
}

json normalize_dtype(const json& d) {
    if (d.is_object() && d.contains("config") && d["config"].is_object() && d["config"].contains("name"))
        return d["config"]["name"];
    return d;
}

Layer parse_layer(const json& lj, const std::string& keras_version, const std::string& backend,
                  const std::string& where);

std::shared_ptr<KerasModel> parse_container(const std::string& cls, const json& config, const std::string& kv,
                                            const std::string& backend, const std::string& where);

Layer parse_layer(const json& lj, const std::string& keras_version, const std::string& backend,
                  const std::string& where) {
    check_model(lj.is_object() && lj.contains("class_name") && lj["class_name"].is_string(), where,
                ": layer entry without class_name");
    Layer layer;
    layer.class_name = lj["class_name"].get<std::string>();
    layer.config = lj.value("config", json::object());
    if (!layer.config.is_object()) layer.config = json::object();
    layer.name = lj.contains("name") && lj["name"].is_string() ? lj["name"].get<std::string>()
                                                               : layer.config.value("name", std::string());
    check_model(!layer.name.empty(), where, ": layer of class ", layer.class_name, " has no name");
    const std::string lwhere = cat(where, ": layer '", layer.name, "' (", layer.class_name, ")");
    upgrade_keras1(layer.class_name, layer.config, backend);
    if (layer.config.contains("dtype")) layer.config["dtype"] = normalize_dtype(layer.config["dtype"]);
    if (layer.config.contains("batch_input_shape") && !layer.config.contains("batch_shape"))
        layer.config["batch_shape"] = layer.config["batch_input_shape"];
    if (lj.contains("inbound_nodes") && lj["inbound_nodes"].is_array())
        for (const auto& node : lj["inbound_nodes"])
            layer.inbound_nodes.push_back(parse_node(node, lwhere));
    static const std::set<std::string> containers = {"Model", "Functional", "Sequential"};
    if (containers.count(layer.class_name))
        layer.nested = parse_container(layer.class_name, layer.config, keras_version, backend, lwhere);
    // Wrappers keep their inner layer config normalized too.
    if (layer.config.contains("layer") && layer.config["layer"].is_object()) {
        json inner = layer.config["layer"];
        if (!inner.contains("config")) inner["config"] = json::object();
        if (!inner["config"].contains("name")) inner["config"]["name"] = layer.name + "_inner";
        Layer il = parse_layer(inner, keras_version, backend, lwhere);
        layer.config["layer"] = json{{"class_name", il.class_name}, {"config", il.config}};
    }
    return layer;
}

std::shared_ptr<KerasModel> parse_container(const std::string& cls, const json& config, const std::string& kv,
                                            const std::string& backend, const std::string& where) {
    auto model = std::make_shared<KerasModel>();
    model->class_name = cls;
    model->keras_version = kv;
    model->backend = backend;
    if (cls == "Sequential") {
        const json* layers = nullptr;
        if (config.is_array()) {
            layers = &config;
        } else {
            check_model(config.is_object() && config.contains("layers") && config["layers"].is_array(), where,
                        ": Sequential config without a layer list");
            layers = &config["layers"];
            model->name = config.value("name", std::string("sequential"));
        }
        if (model->name.empty()) model->name = "sequential";
        std::vector<Layer> parsed;
        for (const auto& lj : *layers)
            parsed.push_back(parse_layer(lj, kv, backend, where));
        check_model(!parsed.empty(), where, ": empty Sequential model");
        std::string prev;
        if (parsed[0].class_name != "InputLayer") {
            Layer input;
            input.class_name = "InputLayer";
            input.name = parsed[0].name + "_input";
            json shape;
            if (parsed[0].config.contains("batch_shape"))
                shape = parsed[0].config["batch_shape"];
            else if (config.is_object() && config.contains("build_input_shape"))
                shape = config["build_input_shape"];
            check_model(shape.is_array(), where, ": the first layer '", parsed[0].name,
                        "' of a Sequential model declares no input shape");
            input.config = {{"name", input.name}, {"batch_shape", shape}};
            if (parsed[0].config.contains("dtype")) input.config["dtype"] = parsed[0].config["dtype"];
            model->layers.push_back(input);
        }
        for (auto& l : parsed) {
            l.inbound_nodes.clear();
            if (l.class_name != "InputLayer") {
                InboundNode n;
                n.inputs.push_back({model->layers.back().name, 0, 0});
                l.inbound_nodes.push_back(n);
            }
            model->layers.push_back(std::move(l));
        }
        model->inputs = {{model->layers.front().name, 0, 0}};
        model->outputs = {{model->layers.back().name, 0, 0}};
        return model;
    }
    check_model(config.is_object() && config.contains("layers") && config["layers"].is_array(), where, ": ", cls,
                " config without a layer list");
    model->name = config.value("name", std::string("model"));
    for (const auto& lj : config["layers"])
        model->layers.push_back(parse_layer(lj, kv, backend, where));
    model->inputs = parse_io_list(config.value("input_layers", json()), where);
    model->outputs = parse_io_list(config.value("output_layers", json()), where);
    check_model(!model->inputs.empty() && !model->outputs.empty(), where, ": model '", model->name,
                "' lists no inputs or outputs");
    return model;
}

}  // namespace

KerasModel parse_model_config(const json& model_json, const std::string& keras_version, const std::string& where) {
    json mj = model_json;
    check_model(mj.is_object() && mj.contains("class_name") && mj["class_name"].is_string(), where,
                ": model config has no class_name");
    const std::string backend = mj.value("backend", std::string());
    const std::string cls = mj["class_name"].get<std::string>();
    static const std::set<std::string> containers = {"Model", "Functional", "Sequential"};
    if (!containers.count(cls))
        fail(ErrorCode::kUnsupported, where, ": top-level class '", cls,
             "' is not a Sequential or Functional model (subclassed models cannot be read without their Python code)");
    auto model = parse_container(cls, mj.value("config", json()), keras_version, backend, where);
    return *model;
}

int KerasModel::major_version() const {
    if (keras_version.empty()) return 1;
    const int major = std::atoi(keras_version.c_str());
    return major <= 0 ? 1 : major;
}

const Layer* KerasModel::find(const std::string& layer_name) const {
    for (const auto& l : layers)
        if (l.name == layer_name) return &l;
    return nullptr;
}

int64_t KerasModel::parameter_count() const {
    int64_t n = 0;
    for (const auto& l : layers) {
        for (const auto& w : l.weights)
            n += w.numel();
        if (l.nested) n += l.nested->parameter_count();
    }
    return n;
}

std::string to_snake_case(const std::string& class_name) {
    static const std::regex non_word(R"(\W+)");
    static const std::regex upper_word("(.)([A-Z][a-z]+)");
    static const std::regex lower_upper("([a-z])([A-Z])");
    std::string s = std::regex_replace(class_name, non_word, "");
    s = std::regex_replace(s, upper_word, "$1_$2");
    s = std::regex_replace(s, lower_upper, "$1_$2");
    for (auto& ch : s)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

}  // namespace konnx::keras
