// SPDX-License-Identifier: MIT
// What both transports share: the repository, metrics, access log, limits, and the server's state (ready,
// draining, requests in flight).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "serve/access_log.hpp"
#include "serve/metrics.hpp"
#include "serve/repository.hpp"

namespace konnx::serve {

struct ServerLimits {
    std::size_t max_request_bytes = std::size_t{64} << 20;  ///< HTTP body or gRPC message
    std::size_t max_header_bytes = 64 << 10;                ///< HTTP request line + headers
    int idle_timeout_s = 60;     ///< a kept-alive connection may wait this long for its next request
    int read_timeout_s = 30;     ///< a request's headers and body must arrive within this after it starts
    int write_timeout_s = 30;    ///< a client must take the response within this
    int max_connections = 1000;  ///< HTTP connections open at once; more are closed at accept
};

struct ServerContext {
    ServerContext(Repository& r, Metrics& m, AccessLog& a, ServerLimits l)
        : repository(r), metrics(m), access_log(a), limits(l) {}

    Repository& repository;
    Metrics& metrics;
    AccessLog& access_log;
    const ServerLimits limits;
    std::atomic<bool> draining{false};
    std::atomic<int64_t> in_flight{0};  ///< requests accepted and not yet answered, both transports

    bool ready() const { return !draining && repository.ready(); }
    std::vector<std::string> extensions() const;
    /// Runs `task` on a thread of its own (model loads take seconds; transports' threads must not wait for them).
    void run_detached(std::function<void()> task) const;
};

/// Counts a request as in flight while alive (the drain waits for the count to reach 0).
class InFlight {
public:
    explicit InFlight(ServerContext& ctx) : ctx_(&ctx) { ctx_->in_flight.fetch_add(1); }
    InFlight(InFlight&& o) noexcept : ctx_(o.ctx_) { o.ctx_ = nullptr; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    InFlight& operator=(InFlight&&) = delete;
    ~InFlight() {
        if (ctx_) ctx_->in_flight.fetch_sub(1);
    }

private:
    ServerContext* ctx_;
};

}  // namespace konnx::serve
