// SPDX-License-Identifier: MIT
// A served model's settings: batching, queue, timeouts, instances and version policy. They come from the model's
// config.pbtxt (Triton's format, the subset in proto/model_config.proto) over the server's defaults (the
// command line), and are checked against the model itself at load (free batch dimension, declared tensors).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace konnx::serve {

struct DeclaredTensor {
    std::string name;
    std::string datatype;       ///< protocol name ("FP32"), "" when the config leaves it out
    std::vector<int64_t> dims;  ///< without the batch dimension when max_batch_size > 0 (Triton's rule)
};

struct ModelSettings {
    /// Largest batch the scheduler forms (and a request may carry); 0 = the model is not batched. -1 = not said:
    /// the server default when the model has a free batch dimension, else 0.
    int max_batch_size = -1;
    bool dynamic_batching = true;  ///< form batches from queued requests (Triton: a dynamic_batching block)
    std::vector<int> preferred_batch_sizes;
    int64_t max_queue_delay_us = 0;      ///< how long the first request of a batch may wait for others
    int64_t max_queue_size = 128;        ///< queued requests beyond this are refused (429 / RESOURCE_EXHAUSTED)
    int64_t default_timeout_us = 0;      ///< 0 = none; a request's own "timeout" parameter may shorten it
    int instances = 1;                   ///< executions of this model that may run at once
    std::string default_model_filename;  ///< model file inside each version folder ("" = model.onnx|h5|keras)

    enum class VersionPolicy { kLatest, kAll, kSpecific };
    VersionPolicy version_policy = VersionPolicy::kLatest;
    int latest_versions = 1;
    std::vector<int64_t> specific_versions;

    std::vector<DeclaredTensor> inputs, outputs;  ///< declarations to check against the model, if any
};

/// The command line's defaults with `config.pbtxt` (Triton protobuf text format) applied on top. Unknown fields
/// are skipped and reported in `warnings`; malformed text or invalid values throw ServeError(kInvalidArgument)
/// naming the file and line.
ModelSettings parse_model_config(const std::string& text, const std::string& path, const ModelSettings& defaults,
                                 std::vector<std::string>& warnings);

}  // namespace konnx::serve
