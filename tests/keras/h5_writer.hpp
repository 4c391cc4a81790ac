// SPDX-License-Identifier: MIT
// Test helper: writes small HDF5 files (Keras 2 full-model .h5 layout) with the libhdf5 C API, the way
// h5py does: fixed-length byte-string arrays for layer_names/weight_names, variable-length strings for
// scalar attributes, intermediate groups for weight names with '/'.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "konnx/tensor.hpp"

namespace konnx::test {

class H5Writer {
public:
    explicit H5Writer(const std::string& path);
    ~H5Writer();
    H5Writer(const H5Writer&) = delete;
    H5Writer& operator=(const H5Writer&) = delete;

    void group(const std::string& path);
    void attr_string(const std::string& path, const std::string& name, const std::string& value);
    /// Fixed-length strings (h5py's |S dtype); an empty list is written as an empty float64 array like h5py.
    void attr_strings(const std::string& path, const std::string& name, const std::vector<std::string>& values);
    /// float32 (or float64 / float16 when `as` says so) dataset; intermediate groups are created.
    void dataset(const std::string& path, const Tensor& t, DType as = DType::kFloat32);
    void external_link(const std::string& path, const std::string& file, const std::string& object);
    /// A float32 dataset whose bytes live in another file (HDF5 external storage), as a hostile file would.
    void external_dataset(const std::string& path, const std::vector<long long>& dims, const std::string& file);

private:
    long long id_ = -1;
};

struct KerasWeights {
    std::string layer;
    std::vector<std::string> names;  ///< e.g. "kernel", "bias"
    std::vector<Tensor> values;
};

/// Weights named w0, w1, ... of `shapes` for `layer`, filled with the bounded, sign-alternating sequence
/// v <- v * -1.07 + step starting at `start` (no zeros or repeats that would hide a transposed layout).
inline KerasWeights sequence_weights(const std::string& layer, std::vector<Shape> shapes, float start, float step) {
    KerasWeights w;
    w.layer = layer;
    int k = 0;
    for (auto& s : shapes) {
        Tensor t = Tensor::empty(DType::kFloat32, s);
        float v = start;
        for (auto& x : t.span<float>())
            x = (v = v * -1.07f + step);
        w.names.push_back("w" + std::to_string(k++));
        w.values.push_back(t);
    }
    return w;
}

/// Writes a Keras 2 full-model .h5: root keras_version/backend/model_config, model_weights/<layer>/...
/// `split_names` writes layer_names as layer_names0, layer_names1 (as Keras does past 64 KB).
void write_keras_h5(const std::string& path, const nlohmann::json& model_config,
                    const std::vector<KerasWeights>& weights, const std::string& keras_version = "2.2.4",
                    bool split_names = false);

}  // namespace konnx::test
