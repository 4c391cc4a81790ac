// SPDX-License-Identifier: MIT
// The KServe v2 REST routes (plus Triton's repository extension, /v2/models/{m}/config and /metrics):
//
//   GET  /v2                                   server metadata
//   GET  /v2/health/live | /v2/health/ready
//   GET  /v2/models/{m}[/versions/{v}]         model metadata
//   GET  /v2/models/{m}[/versions/{v}]/ready
//   GET  /v2/models/{m}[/versions/{v}]/config  Triton-style model configuration
//   POST /v2/models/{m}[/versions/{v}]/infer
//   POST /v2/repository/index
//   POST /v2/repository/models/{m}/load | unload
//   GET  /metrics                              Prometheus
#include <nlohmann/json.hpp>

#include "konnx/version.hpp"
#include "serve/http_infer.hpp"
#include "serve/http_server.hpp"
#include "serve/log.hpp"

namespace konnx::serve {

using nlohmann::json;

namespace {

HttpReply json_reply(const json& doc, int status = 200) {
    HttpReply r;
    r.status = status;
    r.body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

HttpReply error_reply(Code code, const std::string& message) {
    HttpReply r;
    r.status = http_status(code);
    r.body = error_json(message);
    r.error = message;
    return r;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string> path_segments(const std::string& target) {
    const std::string_view path = std::string_view(target).substr(0, target.find('?'));
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        if (end > start) parts.push_back(percent_decode(path.substr(start, end - start)));
        start = end + 1;
    }
    return parts;
}

json tensors_json(const std::vector<TensorMeta>& tensors) {
    json out = json::array();
    for (const TensorMeta& t : tensors)
        out.push_back({{"name", t.name}, {"datatype", t.datatype}, {"shape", t.shape}});
    return out;
}

json model_metadata(const ServerContext& ctx, const ModelVersion& m) {
    return {{"name", m.name()},
            {"versions", ctx.repository.versions(m.name())},
            {"platform", m.platform()},
            {"inputs", tensors_json(m.inputs())},
            {"outputs", tensors_json(m.outputs())}};
}

/// The model's effective configuration in Triton's JSON form (tritonclient's get_model_config).
json model_config(const ModelVersion& m) {
    const ModelSettings& s = m.settings();
    const auto declared = [&](const std::vector<TensorMeta>& tensors) {
        json out = json::array();
        for (const TensorMeta& t : tensors) {
            std::vector<int64_t> dims(t.shape.begin() + (s.max_batch_size > 0 ? 1 : 0), t.shape.end());
            out.push_back({{"name", t.name},
                           {"data_type", "TYPE_" + (t.datatype == "BYTES" ? std::string("STRING") : t.datatype)},
                           {"dims", dims}});
        }
        return out;
    };
    json config = {{"name", m.name()},
                   {"platform", m.platform()},
                   {"backend", "konnx"},
                   {"max_batch_size", s.max_batch_size},
                   {"input", declared(m.inputs())},
                   {"output", declared(m.outputs())},
                   {"instance_group", json::array({{{"count", s.instances}, {"kind", "KIND_CPU"}}})}};
    if (s.max_batch_size > 0 && s.dynamic_batching)
        config["dynamic_batching"] = {
            {"preferred_batch_size", s.preferred_batch_sizes},
            {"max_queue_delay_microseconds", s.max_queue_delay_us},
            {"default_queue_policy",
             {{"max_queue_size", s.max_queue_size}, {"default_timeout_microseconds", s.default_timeout_us}}}};
    return config;
}

std::optional<std::size_t> header_length_of(const HttpRequest& req) {
    if (!req.header_length) return std::nullopt;
    const std::string& v = *req.header_length;
    check_request(!v.empty() && v.size() <= 18 && v.find_first_not_of("0123456789") == std::string::npos,
                  "Inference-Header-Content-Length must be a byte count, got '", v, "'");
    return static_cast<std::size_t>(std::stoull(v));
}

void infer(ServerContext& ctx, std::shared_ptr<const ModelVersion> model, HttpRequest&& req, HttpRespond respond) {
    if (req.content_encoding && *req.content_encoding != "identity")
        fail_request(Code::kInvalidArgument, "Content-Encoding '", *req.content_encoding,
                     "' is not supported: send the body uncompressed");
    InferRequest request = decode_http_infer(req.body, header_length_of(req));
    std::string().swap(req.body);  // the tensors hold their own copies now
    request.model_name = model->name();
    request.model_version = model->version();
    ResponseSpec spec{request.id, request.outputs, request.binary_outputs};
    model->infer(std::move(request), [model, spec = std::move(spec), respond](InferResult&& result) {
        HttpReply reply;
        if (result.code == Code::kOk) {
            HttpBody body = encode_http_infer(*model, spec, result);
            reply.body = std::move(body.bytes);
            reply.json_length = body.json_length;
            if (reply.json_length) reply.content_type = "application/octet-stream";
        } else {
            reply = error_reply(result.code, result.message);
        }
        reply.model = model->name();
        reply.version = model->version();
        reply.request_id = spec.id;
        respond(std::move(reply));
    });
}

/// The repository extension's load/unload: seconds of work, so on a thread of their own.
void repository_action(ServerContext& ctx, const std::string& name, bool load, HttpRespond respond) {
    check_request(ctx.repository.is_folder(), "the repository extension needs a repository folder; this server ",
                  "serves a single model file");
    ctx.run_detached([&ctx, name, load, respond] {
        try {
            load ? ctx.repository.load(name) : ctx.repository.unload(name);
            HttpReply reply = json_reply(json::object());
            reply.model = name;
            respond(std::move(reply));
        } catch (const ServeError& e) {
            HttpReply reply = error_reply(e.code() == Code::kNotFound ? Code::kNotFound : Code::kInvalidArgument,
                                          cat("failed to ", load ? "load" : "unload", " '", name, "': ", e.what()));
            reply.model = name;
            respond(std::move(reply));
        }
    });
}

void route(ServerContext& ctx, HttpRequest&& req, HttpRespond& respond) {
    const std::vector<std::string> p = path_segments(req.target);
    const bool get = req.method == "GET" || req.method == "HEAD";
    const bool post = req.method == "POST";
    auto method_not_allowed = [&](const char* allow) {
        HttpReply r = error_reply(Code::kInvalidArgument, cat(req.method, " is not allowed on ",
                                                              p.empty() ? "/" : req.target, " (use ", allow, ")"));
        r.status = 405;
        r.allow = allow;
        respond(std::move(r));
    };
    if (p.size() == 1 && p[0] == "metrics") {
        if (!get) return method_not_allowed("GET");
        HttpReply r;
        r.body = ctx.metrics.render();
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        return respond(std::move(r));
    }
    if (p.empty() || p[0] != "v2") fail_request(Code::kNotFound, "no route ", req.target, " (the API is under /v2)");
    if (p.size() == 1) {
        if (!get) return method_not_allowed("GET");
        return respond(
            json_reply({{"name", "konnx"}, {"version", konnx::version()}, {"extensions", ctx.extensions()}}));
    }
    if (p.size() == 3 && p[1] == "health" && (p[2] == "live" || p[2] == "ready")) {
        if (!get) return method_not_allowed("GET");
        if (p[2] == "live") return respond(json_reply({{"live", true}}));
        const bool ready = ctx.ready();
        return respond(json_reply({{"ready", ready}}, ready ? 200 : 503));
    }
    if (ctx.draining) fail_request(Code::kUnavailable, "the server is shutting down");
    if (p[1] == "repository") {
        if (p.size() == 3 && p[2] == "index") {
            if (!get && !post) return method_not_allowed("POST");
            json index = json::array();
            for (const auto& e : ctx.repository.index()) {
                json item = {{"name", e.name}, {"state", e.state}};
                if (!e.version.empty()) item["version"] = e.version;
                if (!e.reason.empty()) item["reason"] = e.reason;
                index.push_back(std::move(item));
            }
            return respond(json_reply(index));
        }
        if (p.size() == 5 && p[2] == "models" && (p[4] == "load" || p[4] == "unload")) {
            if (!post) return method_not_allowed("POST");
            return repository_action(ctx, p[3], p[4] == "load", std::move(respond));
        }
        fail_request(Code::kNotFound, "no route ", req.target);
    }
    if (p[1] != "models" || p.size() < 3) fail_request(Code::kNotFound, "no route ", req.target);
    // /v2/models/{m}[/versions/{v}][/action]
    std::string version, action;
    std::size_t next = 3;
    if (p.size() >= 5 && p[3] == "versions") {
        version = p[4];
        next = 5;
    }
    if (p.size() == next + 1)
        action = p[next];
    else if (p.size() > next + 1)
        fail_request(Code::kNotFound, "no route ", req.target);
    if (action == "ready") {
        if (!get) return method_not_allowed("GET");
        auto model = ctx.repository.find(p[2], version);
        HttpReply r = json_reply({{"name", model->name()}, {"ready", true}});
        r.model = model->name();
        return respond(std::move(r));
    }
    if (action.empty() || action == "config") {
        if (!get) return method_not_allowed("GET");
        auto model = ctx.repository.find(p[2], version);
        HttpReply r = json_reply(action.empty() ? model_metadata(ctx, *model) : model_config(*model));
        r.model = model->name();
        return respond(std::move(r));
    }
    if (action == "infer") {
        if (!post) return method_not_allowed("POST");
        return infer(ctx, ctx.repository.find(p[2], version), std::move(req), std::move(respond));
    }
    fail_request(Code::kNotFound, "no route ", req.target);
}

}  // namespace

void handle_http(ServerContext& ctx, HttpRequest&& request, HttpRespond respond) {
    // The respond function stays callable here until something took it: errors thrown before that are answered.
    HttpRespond keep = respond;
    try {
        route(ctx, std::move(request), respond);
    } catch (const ServeError& e) {
        keep(error_reply(e.code(), e.what()));
    } catch (const std::bad_alloc&) {
        keep(error_reply(Code::kInternal, "out of memory"));
    } catch (const std::exception& e) {
        log_error(cat("internal error on an HTTP request: ", e.what()));
        keep(error_reply(Code::kInternal, cat("internal error: ", e.what())));
    }
}

}  // namespace konnx::serve
