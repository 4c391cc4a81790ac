// SPDX-License-Identifier: MIT
// konnx::Session: load an ONNX model once, run it many times (from several threads if you like).
//
//   konnx::Session session = konnx::Session::open("resnet50.onnx");
//   konnx::Tensor image = konnx::Tensor::zeros(konnx::DType::kFloat32, {1, 3, 224, 224});
//   std::vector<konnx::Tensor> out = session.run({{"input", image}});
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "konnx/error.hpp"
#include "konnx/tensor.hpp"

namespace konnx {

/// One dimension of a model input/output: a fixed size, or unknown (size < 0) with an optional name.
struct Dim {
    int64_t size = -1;
    std::string symbol;  ///< e.g. "N" or "batch_size" for a named dynamic dimension
    bool is_fixed() const { return size >= 0; }
};

struct TensorInfo {
    std::string name;
    DType dtype = DType::kUndefined;
    std::vector<Dim> shape;
    bool has_shape = false;  ///< false when the model gives no shape at all (rank unknown)
};

/// The arithmetic convolutions and matmuls run in. kBFloat16 (opt-in) needs AVX512_BF16; Session refuses it with
/// kUnsupported on CPUs without it (docs/PERFORMANCE.md).
enum class Precision { kFloat32, kBFloat16 };

struct SessionOptions {
    int threads = 0;             ///< intra-op threads; 0 = number of physical cores
    int optimization_level = 2;  ///< 0: none, reference kernels only; 1: graph passes; 2: + fused/optimized kernels
    int64_t memory_budget_bytes = int64_t{16} << 30;  ///< refuse plans whose tensors need more than this
    Precision precision = Precision::kFloat32;
};

/// Time spent per node during the last profiled run (see Session::run_profiled).
struct NodeProfile {
    std::string node_name;
    std::string op_type;
    double microseconds = 0;
};

struct ModelInfo {
    int64_t ir_version = 0;
    std::map<std::string, int64_t> opsets;  ///< domain ("" = ai.onnx) -> version
    std::string producer_name, producer_version, graph_name, doc_string;
    std::vector<std::pair<std::string, std::string>> metadata;
};

class Session {
public:
    /// Loads and validates a model. Throws konnx::Error (e.g. kUnsupported listing every missing op).
    static Session open(const std::string& path, const SessionOptions& options = {});
    static Session from_bytes(std::span<const std::byte> bytes, const SessionOptions& options = {});

    Session(Session&&) noexcept;
    Session& operator=(Session&&) noexcept;
    ~Session();

    const std::vector<TensorInfo>& inputs() const;
    const std::vector<TensorInfo>& outputs() const;
    const ModelInfo& model_info() const;

    /// Runs the model. Inputs are matched by name; outputs come back in outputs() order.
    /// Thread-safe: several threads may call run() on one session at once.
    std::vector<Tensor> run(const std::vector<std::pair<std::string, Tensor>>& inputs) const;
    /// As run(), also filling the time spent in each node.
    std::vector<Tensor> run_profiled(const std::vector<std::pair<std::string, Tensor>>& inputs,
                                     std::vector<NodeProfile>& profile) const;

    struct Impl;

private:
    explicit Session(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace konnx
