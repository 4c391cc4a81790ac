// SPDX-License-Identifier: MIT
// The HTTP/REST transport on Boost.Beast (asynchronous, a few I/O threads for any number of connections):
// keep-alive, size limits checked on the headers before a body is read, per-phase timeouts (idle, request read,
// response write), so a slow or stalled client holds a socket and a buffer, never a thread. Requests are routed by
// http_routes.cpp; inference answers arrive from the model's workers and are written on the connection's strand.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "serve/server_context.hpp"

namespace konnx::serve {

struct HttpReply {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::optional<std::size_t> json_length;         ///< Inference-Header-Content-Length for binary tensor responses
    std::string allow;                              ///< Allow header of a 405
    std::string model, version, request_id, error;  ///< for the access log
};

/// Sends the reply on the request's connection; callable once, from any thread.
using HttpRespond = std::function<void(HttpReply&&)>;

struct HttpRequest {
    std::string method;
    std::string target;  ///< path and query as sent
    std::string body;
    std::optional<std::string> header_length;  ///< Inference-Header-Content-Length
    std::optional<std::string> content_encoding;
};

/// Routes one request (http_routes.cpp).
void handle_http(ServerContext& ctx, HttpRequest&& request, HttpRespond respond);

class HttpServer {
public:
    /// Binds `address`:`port` (port 0: any free port); serving starts with start().
    HttpServer(ServerContext& ctx, const std::string& address, uint16_t port, int threads);
    ~HttpServer();
    uint16_t port() const;
    void start();
    /// Stops accepting connections; open ones get 503 for new requests (drain).
    void stop_accepting();
    /// Closes every connection and joins the I/O threads.
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace konnx::serve
