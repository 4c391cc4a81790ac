// SPDX-License-Identifier: MIT
// The HTTP/REST inference body, both forms: all-JSON tensors ("data": [...]) and Triton's binary tensor extension
// (a JSON header of Inference-Header-Content-Length bytes, then each binary input's bytes in order, sized by its
// "binary_data_size" parameter; binary outputs likewise after the response's JSON header).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "serve/model.hpp"
#include "serve/request.hpp"

namespace konnx::serve {

/// Decodes an infer request body. `header_length` is the Inference-Header-Content-Length header (nullopt: the
/// body is all JSON). Throws ServeError(kInvalidArgument) naming the field, tensor or byte count at fault.
InferRequest decode_http_infer(std::string_view body, std::optional<std::size_t> header_length);

/// What the response needs from the request after it went to the scheduler.
struct ResponseSpec {
    std::string id;
    std::vector<RequestedOutput> outputs;
    bool binary_outputs = false;
};

struct HttpBody {
    std::string bytes;
    std::optional<std::size_t> json_length;  ///< set when binary outputs follow the JSON header
};

/// The response to a successful inference: the requested outputs (all when none were named), as JSON data or
/// binary as the request asked.
HttpBody encode_http_infer(const ModelVersion& model, const ResponseSpec& spec, const InferResult& result);

/// {"error": message}, the body Triton and KServe send with every failure.
std::string error_json(const std::string& message);

}  // namespace konnx::serve
