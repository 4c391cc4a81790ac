// SPDX-License-Identifier: MIT
// What a request's failure is, in protocol-neutral terms: each transport maps the code to its status (HTTP 4xx/5xx,
// a gRPC status code) and sends the message as is, so every message names the model, tensor or limit involved.
#pragma once

#include <stdexcept>
#include <string>

#include "core/strings.hpp"

namespace konnx::serve {

enum class Code {
    kOk,
    kInvalidArgument,    ///< malformed request, wrong datatype/shape/size: HTTP 400, gRPC INVALID_ARGUMENT
    kNotFound,           ///< unknown model, version or route: 404, NOT_FOUND
    kPayloadTooLarge,    ///< body or message over the size limit: 413, RESOURCE_EXHAUSTED
    kResourceExhausted,  ///< the model's queue is full: 429, RESOURCE_EXHAUSTED
    kDeadlineExceeded,   ///< the request's timeout passed before it ran: 504, DEADLINE_EXCEEDED
    kUnavailable,        ///< model not ready, server draining: 503, UNAVAILABLE
    kInternal,           ///< the model failed on valid input: 500, INTERNAL
};

/// A short lower-case name used as the metrics `reason` label and in access logs.
const char* code_name(Code code);
int http_status(Code code);

/// The one exception of the serving code: thrown by decoders, validation and the repository, caught by the
/// transports, which answer with it.
class ServeError : public std::runtime_error {
public:
    ServeError(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
    Code code() const noexcept { return code_; }

private:
    Code code_;
};

template <class... Args>
[[noreturn]] void fail_request(Code code, const Args&... args) {
    throw ServeError(code, cat(args...));
}

/// ServeError(kInvalidArgument) unless `cond` holds.
template <class... Args>
void check_request(bool cond, const Args&... args) {
    if (!cond) fail_request(Code::kInvalidArgument, args...);
}

}  // namespace konnx::serve
