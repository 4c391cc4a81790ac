// SPDX-License-Identifier: MIT
// `konnx serve`: loads the repository, serves HTTP and gRPC until SIGTERM or SIGINT, then drains: readiness turns
// false, new requests are refused (503 / UNAVAILABLE), queued and running ones finish (up to the drain timeout),
// and the process exits 0.
#pragma once

#include <functional>
#include <string>

#include "serve/repository.hpp"
#include "serve/server_context.hpp"

namespace konnx::serve {

struct ServerOptions {
    std::string model_path;  ///< repository folder or model file
    RepositoryOptions repository;
    ServerLimits limits;
    std::string address = "0.0.0.0";
    int http_port = 8000;  ///< 0: any free port; -1: no HTTP
    int grpc_port = 8001;  ///< 0: any free port; -1: no gRPC
    int http_threads = 2;
    std::string access_log = "-";
    int drain_timeout_s = 30;
    /// Called once serving, with the ports bound (for a ready line on stdout).
    std::function<void(int http_port, int grpc_port, const Repository&)> on_ready;
};

/// Serves until SIGTERM/SIGINT and a finished drain; returns 0, or 1 when the drain timed out. Throws ServeError
/// when the models or ports cannot be set up.
int run_server(const ServerOptions& options);

}  // namespace konnx::serve
