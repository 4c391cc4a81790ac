// SPDX-License-Identifier: MIT
#include "serve/server.hpp"

#include <signal.h>

#include <cstdlib>
#include <memory>
#include <thread>

#include "serve/grpc_server.hpp"
#include "serve/http_server.hpp"
#include "serve/log.hpp"

namespace konnx::serve {

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// SIGTERM and SIGINT blocked in this thread and every thread it starts, so only sigwait sees them.
sigset_t block_stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is an error code on that socket, not the end of us
    return set;
}

}  // namespace

int run_server(const ServerOptions& o) {
    const sigset_t stop_signals = block_stop_signals();
    Metrics metrics;
    AccessLog access_log(o.access_log);
    Repository repository(o.model_path, o.repository, metrics);
    repository.load_all();
    ServerContext ctx(repository, metrics, access_log, o.limits);

    std::unique_ptr<HttpServer> http;
    std::unique_ptr<GrpcServer> grpc;
    if (o.http_port >= 0) {
        http = std::make_unique<HttpServer>(ctx, o.address, static_cast<uint16_t>(o.http_port), o.http_threads);
        http->start();
    }
    if (o.grpc_port >= 0) grpc = std::make_unique<GrpcServer>(ctx, o.address, static_cast<uint16_t>(o.grpc_port));
    const int http_port = http ? http->port() : -1;
    const int grpc_port = grpc ? grpc->port() : -1;
    log_notice(cat("serving ", repository.loaded().size(), " model version(s)",
                   http ? cat("; HTTP on ", o.address, ":", http_port) : std::string(),
                   grpc ? cat("; gRPC on ", o.address, ":", grpc_port) : std::string()));
    if (o.on_ready) o.on_ready(http_port, grpc_port, repository);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::seconds(o.drain_timeout_s);
    log_notice(cat("received ", signal_number == SIGTERM ? "SIGTERM" : "SIGINT", ": draining (", ctx.in_flight.load(),
                   " requests in flight, up to ", o.drain_timeout_s, " s; a second signal exits at once)"));
    ctx.draining = true;
    if (http) http->stop_accepting();
    std::thread grpc_stopper([&] {
        if (grpc) grpc->shutdown(deadline);
    });
    const bool models_done = repository.drain(deadline);
    while (ctx.in_flight.load() > 0 && Clock::now() < deadline) {
        const timespec poll{0, 5'000'000};
        if (sigtimedwait(&stop_signals, nullptr, &poll) > 0) {
            log_notice("second signal: exiting without waiting");
            std::_Exit(1);
        }
    }
    grpc_stopper.join();
    const int64_t left = ctx.in_flight.load();
    if (http) http->stop();
    log_notice(left == 0 && models_done ? cat("drained in ", seconds_since(start), " s; exiting")
                                        : cat("drain timed out with ", left, " requests unanswered; exiting"));
    return left == 0 && models_done ? 0 : 1;
}

}  // namespace konnx::serve
