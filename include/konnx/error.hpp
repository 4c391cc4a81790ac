// SPDX-License-Identifier: MIT
// konnx errors: every failure is a konnx::Error with a code and a one-line message that names
// the node, layer or file involved. The library never aborts or exits.
#pragma once

#include <stdexcept>
#include <string>

namespace konnx {

/// What went wrong, coarse enough for a CLI to map to an exit code (see docs/ARCHITECTURE.md).
enum class ErrorCode {
    kInvalidArgument = 1,  ///< bad call from the host: unknown input name, wrong dtype or shape
    kInvalidModel,         ///< malformed, truncated or inconsistent model/tensor/image data
    kUnsupported,          ///< valid, but an op, layer, opset or dtype konnx does not implement
    kFileNotFound,         ///< an input path does not exist
    kIo,                   ///< reading or writing failed
    kCannotCreate,         ///< an output file cannot be created
    kLimitExceeded,        ///< a configured resource limit (memory budget, rank, size) would be exceeded
    kInternal,             ///< a bug in konnx
};

const char* error_code_name(ErrorCode code);

/// The one exception type konnx throws.
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

}  // namespace konnx
