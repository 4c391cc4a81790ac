// SPDX-License-Identifier: MIT
#include "serve/status.hpp"

namespace konnx::serve {

const char* code_name(Code code) {
    switch (code) {
        case Code::kOk: return "ok";
        case Code::kInvalidArgument: return "invalid_argument";
        case Code::kNotFound: return "not_found";
        case Code::kPayloadTooLarge: return "payload_too_large";
        case Code::kResourceExhausted: return "queue_full";
        case Code::kDeadlineExceeded: return "timeout";
        case Code::kUnavailable: return "unavailable";
        case Code::kInternal: return "internal";
    }
    return "internal";
}

int http_status(Code code) {
    switch (code) {
        case Code::kOk: return 200;
        case Code::kInvalidArgument: return 400;
        case Code::kNotFound: return 404;
        case Code::kPayloadTooLarge: return 413;
        case Code::kResourceExhausted: return 429;
        case Code::kDeadlineExceeded: return 504;
        case Code::kUnavailable: return 503;
        case Code::kInternal: return 500;
    }
    return 500;
}

}  // namespace konnx::serve
