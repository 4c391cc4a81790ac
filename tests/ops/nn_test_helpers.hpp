// SPDX-License-Identifier: MIT
// Helpers for the NN op tests: random tensors and single-node runs where chosen inputs are
// initializers (constant weights take the kernels' plan-time paths, e.g. oneDNN weight reorders).
#pragma once

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/strings.hpp"
#include "support/test_support.hpp"

namespace konnx::test {

inline Tensor random_tensor(const Shape& shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
    Tensor t = Tensor::empty(DType::kFloat32, shape);
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    for (float& v : t.span<float>())
        v = dist(gen);
    return t;
}

/// Like run_single_node, but inputs whose index is in `constant` become initializers.
inline std::vector<Tensor> run_node_with_constants(const std::string& op, const std::vector<Tensor>& inputs,
                                                   const std::vector<std::size_t>& constant, std::size_t num_outputs,
                                                   std::vector<std::pair<std::string, graph::Attribute>> attrs,
                                                   int level, int opset = 17) {
    graph::Model model = single_node_model(op, inputs, num_outputs, std::move(attrs), opset);
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!inputs[i].defined()) continue;
        const std::string name = cat("x", i);
        if (std::find(constant.begin(), constant.end(), i) != constant.end()) {
            model.graph.initializers[name] = inputs[i];
            std::erase_if(model.graph.inputs, [&](const graph::ValueInfo& v) { return v.name == name; });
        } else {
            feeds.emplace_back(name, inputs[i]);
        }
    }
    SessionOptions options;
    options.optimization_level = level;
    Session session = session_from_model(model, options);
    return session.run(feeds);
}

using Attrs = std::vector<std::pair<std::string, graph::Attribute>>;

}  // namespace konnx::test
