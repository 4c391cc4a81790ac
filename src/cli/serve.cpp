// SPDX-License-Identifier: MIT
// konnx serve MODEL_OR_REPOSITORY [--http-port 8000] [--grpc-port 8001] [--threads N] [--instances N] ...:
// the KServe v2 / Open Inference Protocol server (src/serve), with its settings from the command line.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "core/parallel.hpp"
#include "serve/log.hpp"
#include "serve/server.hpp"

namespace konnx::cli {

CommandRunner setup_serve(CLI::App& app) {
    struct Options {
        serve::ServerOptions server;
        int threads = 0, opt_level = 2, instances = 1, max_batch = 8;
        int64_t queue_delay_us = 0, queue_size = 128, timeout_ms = 0;
        bool no_warmup = false, json = false;
    };
    auto opt = std::make_shared<Options>();
    serve::ServerOptions& s = opt->server;
    serve::ServerLimits& l = s.limits;
    app.option_defaults()->always_capture_default();  // --help shows each default (deployment files rely on them)
    app.add_option("model", s.model_path,
                   "A model repository folder (<name>/<version>/model.onnx|.keras|.h5, optional <name>/config.pbtxt) "
                   "or one model file")
        ->required();
    app.add_option("--http-port", s.http_port, "HTTP/REST port (0: any free port, -1: no HTTP)")
        ->check(CLI::Range(-1, 65535));
    app.add_option("--grpc-port", s.grpc_port, "gRPC port (0: any free port, -1: no gRPC)")
        ->check(CLI::Range(-1, 65535));
    app.add_option("--address", s.address, "Address to listen on (0.0.0.0: every interface, 127.0.0.1: this host)");
    add_threads_option(app, opt->threads)
        ->description("Intra-op threads per model instance (0 = physical cores shared among the instances)");
    app.add_option("--instances", opt->instances, "Instances per model: executions that may run at once")
        ->check(CLI::Range(1, 64));
    app.add_option("--max-batch-size", opt->max_batch,
                   "Largest dynamic batch for models with a free batch dimension (0: no batching)")
        ->check(CLI::Range(0, 1024));
    app.add_option("--max-queue-delay-us", opt->queue_delay_us,
                   "How long a batch's first request may wait for more (microseconds)")
        ->check(CLI::Range(int64_t{0}, int64_t{60000000}));
    app.add_option("--max-queue-size", opt->queue_size, "Requests a model may queue; more get 429 / RESOURCE_EXHAUSTED")
        ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
    app.add_option("--timeout-ms", opt->timeout_ms, "Default request timeout in the queue (0: none)")
        ->check(CLI::Range(int64_t{0}, int64_t{86400000}));
    app.add_option("--max-request-bytes", l.max_request_bytes, "Largest HTTP body or gRPC message")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 31));
    app.add_option("--max-connections", l.max_connections, "HTTP connections open at once")
        ->check(CLI::Range(1, 100000));
    app.add_option("--read-timeout", l.read_timeout_s, "Seconds a request's headers and body may take to arrive")
        ->check(CLI::Range(1, 3600));
    app.add_option("--idle-timeout", l.idle_timeout_s, "Seconds a kept-alive HTTP connection may stay idle")
        ->check(CLI::Range(1, 3600));
    app.add_option("--http-threads", s.http_threads, "HTTP I/O threads")->check(CLI::Range(1, 64));
    app.add_option("--drain-timeout", s.drain_timeout_s, "Seconds SIGTERM waits for running requests")
        ->check(CLI::Range(0, 3600));
    app.add_option("--access-log", s.access_log, "Access log: '-' (stderr), 'off', or a file to append JSON lines to");
    app.add_option("--model-name", s.repository.model_name, "Name to serve a single model file under (default: stem)");
    add_opt_level_option(app, opt->opt_level);
    app.add_flag("--no-warmup", opt->no_warmup, "Skip the warm-up run of each batch size at load");
    app.add_flag("--json", opt->json, "Print one JSON line on stdout once serving (ports, models)");
    app.footer(
        "Examples:\n"
        "  konnx serve models/                                    (HTTP :8000, gRPC :8001, every model in models/)\n"
        "  konnx serve fashion.h5 --http-port 9000 --grpc-port -1 (one Keras file, converted at load)\n"
        "  konnx serve models/ --instances 2 --threads 1 --max-batch-size 16 --max-queue-delay-us 2000\n"
        "Endpoints: /v2, /v2/health/{live,ready}, /v2/models/NAME[/versions/V][/ready|/config|/infer],\n"
        "/v2/repository/index, /v2/repository/models/NAME/{load,unload}, /metrics; gRPC "
        "inference.GRPCInferenceService.\n"
        "SIGTERM drains: readiness turns false, new requests get 503, running ones finish.");

    return [opt]() -> int {
        serve::set_log_verbosity(verbosity());
        serve::ServerOptions server = opt->server;
        serve::RepositoryOptions& r = server.repository;
        r.defaults.max_batch_size = opt->max_batch == 0 ? 0 : -1;  // -1: batch where the model allows it
        r.defaults.max_queue_delay_us = opt->queue_delay_us;
        r.defaults.max_queue_size = opt->queue_size;
        r.defaults.default_timeout_us = opt->timeout_ms * 1000;
        r.defaults.instances = opt->instances;
        r.load.default_max_batch_size = opt->max_batch;
        r.load.warmup = !opt->no_warmup;
        r.load.session.threads = opt->threads > 0 ? opt->threads : std::max(1, physical_cores() / opt->instances);
        r.load.session.optimization_level = opt->opt_level;
        if (opt->json)
            server.on_ready = [](int http_port, int grpc_port, const serve::Repository& repo) {
                nlohmann::json models = nlohmann::json::array();
                for (const auto& m : repo.loaded())
                    models.push_back({{"name", m->name()},
                                      {"version", m->version()},
                                      {"max_batch_size", m->settings().max_batch_size},
                                      {"instances", m->settings().instances}});
                std::cout << nlohmann::json{{"http_port", http_port}, {"grpc_port", grpc_port}, {"models", models}}
                          << std::endl;
            };
        try {
            return serve::run_server(server);
        } catch (const serve::ServeError& e) {
            std::cerr << "konnx: error: " << e.what() << "\n";
            return e.code() == serve::Code::kNotFound      ? kExitNoInput
                   : e.code() == serve::Code::kUnavailable ? kExitUnavailable
                                                           : kExitDataError;
        }
    };
}

}  // namespace konnx::cli
