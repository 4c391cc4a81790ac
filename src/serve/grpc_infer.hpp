// SPDX-License-Identifier: MIT
// ModelInferRequest -> InferRequest (typed `contents` or `raw_input_contents`) and InferResult ->
// ModelInferResponse (raw_output_contents, as Triton answers).
#pragma once

#include "grpc_predict_v2.pb.h"
#include "serve/http_infer.hpp"
#include "serve/model.hpp"

namespace konnx::serve {

/// Throws ServeError(kInvalidArgument) naming the input and the count at fault.
InferRequest decode_grpc_infer(const inference::ModelInferRequest& request);

void encode_grpc_infer(const ModelVersion& model, const ResponseSpec& spec, const InferResult& result,
                       inference::ModelInferResponse& response);

}  // namespace konnx::serve
