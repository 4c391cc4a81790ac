// SPDX-License-Identifier: MIT
// Keras files -> KerasModel: full-model .h5, weights-only .h5 + architecture JSON, and .keras zips
// (Keras 3 `layers/<snake_case>/...` with or without the 3.6+ `name` attribute, and TF 2.12-2.15
// `_layer_checkpoint_dependencies/<name>/...`). Weights are attached to layers in Keras order.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.hpp"
#include "core/file.hpp"
#include "core/strings.hpp"
#include "keras/h5_file.hpp"
#include "keras/keras_archive.hpp"
#include "keras/model.hpp"
#include "keras/tensor_util.hpp"

namespace konnx::keras {

namespace fs = std::filesystem;
namespace {

json parse_json(const std::string& text, const std::string& where) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        fail(ErrorCode::kInvalidModel, where, ": invalid JSON (", e.what(), ")");
    }
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

/// All layers of a (possibly nested) model, depth first, excluding containers.
void leaf_layers(KerasModel& m, std::vector<Layer*>& out) {
    for (auto& l : m.layers) {
        if (l.nested)
            leaf_layers(*l.nested, out);
        else
            out.push_back(&l);
    }
}

/// Keras 1 stored some weights differently; tf-keras `preprocess_weights_for_loading` converted them.
void upgrade_weights(Layer& l, const std::string& keras_version, const std::string& backend) {
    auto& w = l.weights;
    const bool keras1 = keras_version.empty() || keras_version[0] == '1';
    static const std::set<std::string> convs = {"Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "ConvLSTM2D"};
    if (keras1) {
        const bool cf = l.config.value("data_format", std::string("channels_last")) == "channels_first";
        if (l.class_name == "Conv1D" && !w.empty() && w[0].rank() == 4) {  // (len, 1, in, filters)
            w[0] = w[0].reshaped({w[0].dim(0), w[0].dim(2), w[0].dim(3)});
        } else if (l.class_name == "Conv2D" && cf && !w.empty() && w[0].rank() == 4) {
            w[0] = permute(w[0], {2, 3, 1, 0});  // (filters, in, rows, cols) -> (rows, cols, in, filters)
        } else if (l.class_name == "Conv3D" && cf && !w.empty() && w[0].rank() == 5) {
            w[0] = permute(w[0], {2, 3, 4, 1, 0});
        } else if (l.class_name == "Conv2DTranspose" && cf && !w.empty() && w[0].rank() == 4) {
            w[0] = permute(w[0], {2, 3, 0, 1});
        } else if (l.class_name == "LSTM" && w.size() == 12) {  // W,U,b per gate, gates i,c,f,o
            w = {concat({w[0], w[6], w[3], w[9]}, 1), concat({w[1], w[7], w[4], w[10]}, 1),
                 concat({w[2], w[8], w[5], w[11]}, 0)};
        } else if (l.class_name == "GRU" && w.size() == 9) {  // gates z,r,h
            w = {concat({w[0], w[3], w[6]}, 1), concat({w[1], w[4], w[7]}, 1), concat({w[2], w[5], w[8]}, 0)};
        } else if (l.class_name == "SimpleRNN" || l.class_name == "Dense") {
            // same layout
        }
    }
    if (backend == "theano" && convs.count(l.class_name) && !w.empty() && w[0].rank() >= 3) {
        // Theano convolutions are true convolutions: TensorFlow-style kernels are flipped spatially.
        std::vector<int> axes;
        for (std::size_t a = 0; a + 2 < w[0].rank(); ++a)
            axes.push_back(static_cast<int>(a));
        w[0] = flip(w[0], axes);
        if (l.class_name == "ConvLSTM2D" && w.size() > 1) w[1] = flip(w[1], axes);
    }
}

void upgrade_all(KerasModel& m) {
    for (auto& l : m.layers) {
        if (l.nested)
            upgrade_all(*l.nested);
        else
            upgrade_weights(l, m.keras_version, m.backend);
    }
}

// ---------------------------------------------------------------- HDF5 (legacy) weights

void load_h5_weights(const H5File& f, const std::string& root, KerasModel& model) {
    std::set<std::string> names_in_file;
    for (const auto& n : f.attr_strings(root, "layer_names"))
        names_in_file.insert(n);
    for (auto& layer : model.layers) {
        if (!names_in_file.count(layer.name)) continue;
        const std::string group = root + "/" + layer.name;
        const auto weight_names = f.attr_strings(group, "weight_names");
        std::vector<Tensor> weights;
        for (const auto& wn : weight_names) {
            const std::string p = group + "/" + wn;
            if (!f.is_dataset(p))
                fail(ErrorCode::kInvalidModel, f.label(), ": weight '", wn, "' of layer '", layer.name, "' is missing");
            weights.push_back(f.read_float(p));
        }
        if (!layer.nested) {
            layer.weights = std::move(weights);
            layer.weight_names = weight_names;
            continue;
        }
        // A nested model lists all sublayers' trainable weights, then the non-trainable ones; the first
        // path component naming a sublayer tells whose weight it is (order within a layer is kept).
        std::vector<Layer*> leaves;
        leaf_layers(*layer.nested, leaves);
        std::map<std::string, Layer*> by_name;
        for (auto* l : leaves)
            by_name.emplace(l->name, l);
        for (std::size_t i = 0; i < weights.size(); ++i) {
            Layer* owner = nullptr;
            for (const auto& part : split(weight_names[i], '/'))
                if (auto it = by_name.find(part); it != by_name.end()) {
                    owner = it->second;
                    break;
                }
            if (!owner)
                fail(ErrorCode::kUnsupported, f.label(), ": cannot tell which layer of nested model '", layer.name,
                     "' owns weight '", weight_names[i], "'");
            owner->weights.push_back(weights[i]);
            owner->weight_names.push_back(weight_names[i]);
        }
    }
}

// ---------------------------------------------------------------- .keras weights

std::vector<Tensor> collect_vars(const H5File& f, const std::string& group) {
    std::vector<Tensor> out;
    const std::string vars = group + "/vars";
    if (f.is_group(vars)) {
        auto names = f.children(vars);
        std::vector<std::pair<long, std::string>> numbered;
        for (const auto& n : names) {
            char* end = nullptr;
            const long v = std::strtol(n.c_str(), &end, 10);
            if (end && *end == '\0' && !n.empty()) numbered.emplace_back(v, n);
        }
        std::sort(numbered.begin(), numbered.end());
        for (std::size_t i = 0; i < numbered.size(); ++i) {
            check_model(numbered[i].first == static_cast<long>(i), f.label(), ": '", vars, "' skips variable ", i);
            out.push_back(f.read_float(vars + "/" + numbered[i].second));
        }
    }
    static const std::vector<std::string> priority = {"cell",        "forward_layer", "backward_layer", "layer",
                                                      "query_dense", "key_dense",     "value_dense",    "output_dense"};
    std::vector<std::string> kids;
    for (const auto& c : f.children(group))
        if (c != "vars" && c != "layers" && f.is_group(group + "/" + c)) kids.push_back(c);
    std::stable_sort(kids.begin(), kids.end(), [&](const std::string& a, const std::string& b) {
        auto ra = std::find(priority.begin(), priority.end(), a) - priority.begin();
        auto rb = std::find(priority.begin(), priority.end(), b) - priority.begin();
        return ra < rb;
    });
    for (const auto& k : kids) {
        auto sub = collect_vars(f, group + "/" + k);
        out.insert(out.end(), sub.begin(), sub.end());
    }
    return out;
}

void load_keras_weights(const H5File& f, const std::string& container, KerasModel& model) {
    std::string layers_group = container + "/layers";
    bool by_layer_name = false;
    if (!f.is_group(layers_group)) {
        layers_group = container + "/_layer_checkpoint_dependencies";
        by_layer_name = true;
    }
    if (!f.is_group(layers_group)) {
        bool any = false;
        for (const auto& l : model.layers)
            any = any || l.class_name != "InputLayer";
        if (any) fail(ErrorCode::kInvalidModel, f.label(), ": no 'layers' group under '", container, "'");
        return;
    }
    const auto children = f.children(layers_group);
    std::map<std::string, std::string> named;  // real layer name (3.6+ attribute) -> group
    for (const auto& c : children) {
        const std::string vars = layers_group + "/" + c + "/vars";
        if (f.has_attr(vars, "name")) named.emplace(*f.attr_string(vars, "name"), layers_group + "/" + c);
    }
    std::map<std::string, int> used;
    for (auto& layer : model.layers) {
        if (layer.class_name == "InputLayer") continue;
        std::string snake = to_snake_case(layer.class_name);
        if (layer.nested && layer.class_name == "Functional") snake = "functional";
        std::string counted = snake;
        if (auto it = used.find(snake); it != used.end())
            counted = snake + "_" + std::to_string(++it->second);
        else
            used[snake] = 0;
        std::string group;
        if (auto it = named.find(layer.name); it != named.end())
            group = it->second;
        else if (by_layer_name && f.is_group(layers_group + "/" + layer.name))
            group = layers_group + "/" + layer.name;
        else
            group = layers_group + "/" + counted;  // Keras 3.0-3.5 (and a tf_keras fallback): per-class counting
        if (!f.is_group(group)) {
            if (layer.nested) fail(ErrorCode::kInvalidModel, f.label(), ": no weights group for '", layer.name, "'");
            continue;  // layers without variables may be absent
        }
        if (layer.nested) {
            load_keras_weights(f, group, *layer.nested);
        } else {
            layer.weights = collect_vars(f, group);
            for (std::size_t i = 0; i < layer.weights.size(); ++i)
                layer.weight_names.push_back(cat(group, "#", i));
        }
    }
}

KerasModel read_keras_zip(const std::string& path) {
    auto zip = KerasArchive::open(path);
    check_model(zip.has("config.json"), path, ": not a .keras file (no config.json)");
    const json config = parse_json(zip.read_text("config.json"), path + ": config.json");
    std::string version = "3";
    if (zip.has("metadata.json")) {
        const json meta = parse_json(zip.read_text("metadata.json", 1 << 20), path + ": metadata.json");
        if (meta.contains("keras_version") && meta["keras_version"].is_string())
            version = meta["keras_version"].get<std::string>();
    }
    KerasModel model = parse_model_config(config, version, path);
    model.keras_version = version;
    if (zip.has("model.weights.h5")) {
        // Extracted to a temporary file rather than read into memory: HDF5 copies an in-memory image, so
        // the weights would be held three times (zip buffer, HDF5's copy, the loaded tensors).
        std::error_code ec;
        const fs::path dir = fs::temp_directory_path(ec);
        std::string tmp = (dir.empty() ? fs::path("/tmp") : dir) / "konnx-weights-XXXXXX";
        const int fd = mkstemp(tmp.data());
        if (fd < 0) {  // no writable temporary folder: fall back to the in-memory image
            const auto image = zip.read("model.weights.h5");
            auto f = H5File::open_image(image, path + ":model.weights.h5");
            load_keras_weights(f, "", model);
        } else {
            close(fd);
            struct Remove {
                std::string p;
                ~Remove() {
                    std::error_code e;
                    fs::remove(p, e);
                }
            } remove{tmp};
            zip.extract("model.weights.h5", tmp);
            auto f = H5File::open(tmp, path + ":model.weights.h5");
            load_keras_weights(f, "", model);
        }
    } else if (zip.has("model.weights.npz")) {
        fail(ErrorCode::kUnsupported, path, ": model.weights.npz weight stores are not supported");
    } else {
        bool sharded = false;
        for (const auto& m : zip.members())
            sharded = sharded || m.find(".weights.json") != std::string::npos;
        fail(ErrorCode::kUnsupported, path,
             sharded ? ": sharded weight stores are not supported" : ": no model.weights.h5");
    }
    return model;
}

bool is_zip(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char head[2] = {0, 0};
    in.read(head, 2);
    return in && head[0] == 'P' && head[1] == 'K';
}

std::string detect_backend(const H5File& f) {
    if (auto b = f.attr_string("/", "backend")) return *b;
    if (f.is_group("/model_weights"))
        if (auto b = f.attr_string("/model_weights", "backend")) return *b;
    return "";
}

std::string detect_version(const H5File& f) {
    if (auto v = f.attr_string("/", "keras_version")) return *v;
    if (f.is_group("/model_weights"))
        if (auto v = f.attr_string("/model_weights", "keras_version")) return *v;
    return "1";
}

}  // namespace

KerasModel read_keras_model(const std::string& path, const std::string& weights_path) {
    const std::string lower = to_lower(path);
    if (ends_with_ci(path, ".json")) {
        check_model(!weights_path.empty(), path, ": an architecture JSON needs a weights .h5 file");
        const auto bytes = read_file(path, std::size_t{256} << 20);
        const json arch = parse_json(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
        auto f = H5File::open(weights_path);
        std::string version = detect_version(f);
        if (version == "1" && arch.contains("keras_version") && arch["keras_version"].is_string())
            version = arch["keras_version"].get<std::string>();
        KerasModel model = parse_model_config(arch, version, path);
        model.keras_version = version;
        model.backend = detect_backend(f);
        if (model.backend.empty() && arch.contains("backend") && arch["backend"].is_string())
            model.backend = arch["backend"].get<std::string>();
        load_h5_weights(f, f.is_group("/model_weights") ? "/model_weights" : "", model);
        upgrade_all(model);
        return model;
    }
    if (ends_with_ci(path, ".keras") || is_zip(path)) {
        KerasModel model = read_keras_zip(path);
        return model;
    }
    auto f = H5File::open(path);
    const auto config_text = f.attr_string("/", "model_config");
    std::string version = detect_version(f);
    if (!config_text) {
        if (!weights_path.empty()) fail(ErrorCode::kInvalidArgument, path, ": give the architecture JSON first");
        fail(ErrorCode::kInvalidModel, path,
             ": no model_config attribute (a weights-only file: pass the architecture JSON as well)");
    }
    KerasModel model = parse_model_config(parse_json(*config_text, path + ": model_config"), version, path);
    model.keras_version = version;
    model.backend = detect_backend(f);
    if (f.is_group("/model_weights")) load_h5_weights(f, "/model_weights", model);
    upgrade_all(model);
    return model;
}

}  // namespace konnx::keras
