// SPDX-License-Identifier: MIT
// Structured access log: one JSON object per answered request (HTTP and gRPC alike), written whole under a lock
// so lines from several threads never interleave.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace konnx::serve {

struct AccessRecord {
    const char* protocol = "http";  ///< "http" or "grpc"
    std::string remote;             ///< peer address
    std::string method;             ///< HTTP method, or the RPC name
    std::string path;               ///< HTTP target, or the gRPC method path
    int status = 0;                 ///< HTTP status, or the gRPC status code
    uint64_t request_bytes = 0, response_bytes = 0;
    double duration_ms = 0;
    std::string model, version, request_id;
    std::string error;  ///< the error message sent, if any
};

class AccessLog {
public:
    /// `destination`: "-" or "stderr" for stderr, "off" for nothing, else a file appended to.
    explicit AccessLog(const std::string& destination);
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    bool enabled() const { return file_ != nullptr; }
    void write(const AccessRecord& record);

private:
    std::mutex mutex_;
    std::FILE* file_ = nullptr;
    bool owned_ = false;
};

}  // namespace konnx::serve
