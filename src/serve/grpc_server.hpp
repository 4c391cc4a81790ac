// SPDX-License-Identifier: MIT
// The gRPC transport: inference.GRPCInferenceService (proto/grpc_predict_v2.proto) on gRPC's callback API, so an
// RPC waiting for its model holds no thread; the model's worker finishes it. Message size limit, client deadlines
// (they become the request's deadline in the queue) and a drain that lets running RPCs finish.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "serve/server_context.hpp"

namespace konnx::serve {

class GrpcServer {
public:
    /// Binds `address`:`port` (0: any free port) and starts serving.
    GrpcServer(ServerContext& ctx, const std::string& address, uint16_t port);
    ~GrpcServer();
    uint16_t port() const;
    /// Refuses new RPCs and waits for running ones until `deadline`, then cancels the rest.
    void shutdown(Clock::time_point deadline);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace konnx::serve
