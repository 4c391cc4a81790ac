// SPDX-License-Identifier: MIT
// An inference request and its result as both transports see them after decoding: named input tensors, the outputs
// wanted, the request's own parameters. Decoders (HTTP JSON/binary, gRPC) make one; the repository checks it
// against the model and hands it to the model's scheduler.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "konnx/tensor.hpp"
#include "serve/status.hpp"

namespace konnx::serve {

using Clock = std::chrono::steady_clock;

struct RequestedOutput {
    std::string name;
    std::optional<bool> binary;  ///< HTTP binary_data parameter, when given
};

struct InferRequest {
    std::string model_name, model_version, id;
    std::vector<std::pair<std::string, Tensor>> inputs;
    std::vector<RequestedOutput> outputs;       ///< empty: every model output
    bool binary_outputs = false;                ///< HTTP binary_data_output parameter
    int64_t timeout_us = 0;                     ///< the request's "timeout" parameter (0 = none)
    std::optional<Clock::time_point> deadline;  ///< the transport's own deadline (a gRPC client deadline)
    Clock::time_point received = Clock::now();
};

/// What the scheduler gives back for one request.
struct InferResult {
    Code code = Code::kOk;
    std::string message;
    std::vector<Tensor> outputs;  ///< every model output, in model order, this request's rows only
    double queue_seconds = 0, compute_seconds = 0;
    int64_t batch_rows = 0;  ///< rows of the batch this request ran in
};

using InferCallback = std::function<void(InferResult&&)>;

}  // namespace konnx::serve
