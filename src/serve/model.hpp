// SPDX-License-Identifier: MIT
// One loaded version of a served model: its Session (Keras files converted at load), the metadata both protocols
// report, its effective settings and its scheduler. infer() checks a decoded request against the model (input
// names, datatypes, shapes, batch size, requested outputs), so every transport gives the same answers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "konnx/session.hpp"
#include "serve/metrics.hpp"
#include "serve/model_config.hpp"
#include "serve/request.hpp"
#include "serve/scheduler.hpp"

namespace konnx::serve {

struct TensorMeta {
    std::string name;
    DType dtype = DType::kUndefined;
    std::string datatype;        ///< protocol name, "FP32"
    std::vector<int64_t> shape;  ///< -1 for free dimensions
};

struct LoadOptions {
    SessionOptions session;
    bool warmup = true;              ///< run every batch size once at load, so no request pays for planning
    int default_max_batch_size = 8;  ///< for settings with max_batch_size -1 and a model with a batch dimension
};

class ModelVersion {
public:
    /// Loads `file` (.onnx, or a Keras .h5/.hdf5/.keras converted in memory). Throws ServeError naming the file.
    static std::shared_ptr<ModelVersion> load(const std::string& name, int64_t version, const std::string& file,
                                              const ModelSettings& settings, const LoadOptions& options,
                                              Metrics& metrics);
    ~ModelVersion();

    const std::string& name() const { return name_; }
    const std::string& version() const { return version_; }
    const std::string& platform() const { return platform_; }
    const std::string& file() const { return file_; }
    const std::vector<TensorMeta>& inputs() const { return inputs_; }
    const std::vector<TensorMeta>& outputs() const { return outputs_; }
    const ModelSettings& settings() const { return settings_; }
    double load_seconds() const { return load_seconds_; }

    /// Index of a model output, or -1.
    int output_index(const std::string& name) const;
    /// Checks `request` against the model and queues it; `done` runs on a worker thread with every output.
    /// Throws ServeError (kInvalidArgument naming the tensor, kResourceExhausted, kUnavailable).
    void infer(InferRequest&& request, InferCallback done) const;
    /// Refuses new requests; queued ones still run.
    void stop() const;
    bool wait_stopped(Clock::time_point deadline) const;

private:
    ModelVersion() = default;
    std::string name_, version_, platform_, file_;
    std::vector<TensorMeta> inputs_, outputs_;
    ModelSettings settings_;
    std::shared_ptr<const Session> session_;
    std::unique_ptr<Scheduler> scheduler_;
    double load_seconds_ = 0;
};

}  // namespace konnx::serve
