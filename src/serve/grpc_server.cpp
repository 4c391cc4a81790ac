// SPDX-License-Identifier: MIT
#include "serve/grpc_server.hpp"

#include <grpcpp/grpcpp.h>

#include "grpc_predict_v2.grpc.pb.h"
#include "konnx/version.hpp"
#include "serve/grpc_infer.hpp"
#include "serve/log.hpp"

namespace konnx::serve {

namespace {

using namespace inference;

grpc::StatusCode grpc_code(Code code) {
    switch (code) {
        case Code::kOk: return grpc::StatusCode::OK;
        case Code::kInvalidArgument: return grpc::StatusCode::INVALID_ARGUMENT;
        case Code::kNotFound: return grpc::StatusCode::NOT_FOUND;
        case Code::kPayloadTooLarge:
        case Code::kResourceExhausted: return grpc::StatusCode::RESOURCE_EXHAUSTED;
        case Code::kDeadlineExceeded: return grpc::StatusCode::DEADLINE_EXCEEDED;
        case Code::kUnavailable: return grpc::StatusCode::UNAVAILABLE;
        case Code::kInternal: return grpc::StatusCode::INTERNAL;
    }
    return grpc::StatusCode::INTERNAL;
}

/// One RPC's bookkeeping: the access log line and the request count, written when it finishes.
class Call {
public:
    Call(ServerContext& ctx, grpc::CallbackServerContext* context, const char* rpc, std::size_t request_bytes)
        : ctx_(ctx), reactor_(context->DefaultReactor()), in_flight_(ctx) {
        record_.protocol = "grpc";
        record_.remote = context->peer();
        record_.method = rpc;
        record_.path = std::string("/inference.GRPCInferenceService/") + rpc;
        record_.request_bytes = request_bytes;
    }
    grpc::ServerUnaryReactor* reactor() const { return reactor_; }
    AccessRecord& record() { return record_; }

    /// Finishes the RPC (once), with `error` when it failed.
    void finish(std::size_t response_bytes, const ServeError* error = nullptr) {
        record_.status = static_cast<int>(error ? grpc_code(error->code()) : grpc::StatusCode::OK);
        record_.response_bytes = response_bytes;
        if (error) record_.error = error->what();
        record_.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
        ctx_.access_log.write(record_);
        ctx_.metrics.count_request("grpc", record_.method, record_.status);
        reactor_->Finish(error ? grpc::Status(grpc_code(error->code()), error->what()) : grpc::Status::OK);
    }

private:
    ServerContext& ctx_;
    grpc::ServerUnaryReactor* reactor_;
    InFlight in_flight_;
    AccessRecord record_;
    Clock::time_point start_ = Clock::now();
};

/// Runs `body` (filling the response) and finishes the call; a ServeError it throws becomes the RPC's status.
template <class Response, class Body>
grpc::ServerUnaryReactor* unary(ServerContext& ctx, grpc::CallbackServerContext* context, const char* rpc,
                                const google::protobuf::Message& request, Response* response, Body&& body) {
    Call call(ctx, context, rpc, request.ByteSizeLong());
    try {
        body();
        call.finish(response->ByteSizeLong());
    } catch (const ServeError& e) {
        call.finish(0, &e);
    } catch (const std::exception& e) {
        const ServeError internal(Code::kInternal, cat("internal error: ", e.what()));
        call.finish(0, &internal);
    }
    return call.reactor();
}

void fill_tensors(const std::vector<TensorMeta>& tensors,
                  google::protobuf::RepeatedPtrField<ModelMetadataResponse::TensorMetadata>* out) {
    for (const TensorMeta& t : tensors) {
        auto* m = out->Add();
        m->set_name(t.name);
        m->set_datatype(t.datatype);
        for (int64_t d : t.shape)
            m->add_shape(d);
    }
}

std::optional<Clock::time_point> deadline_of(const grpc::CallbackServerContext* context) {
    const auto deadline = context->deadline();
    if (deadline == std::chrono::system_clock::time_point::max()) return std::nullopt;
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(deadline - std::chrono::system_clock::now());
}

class Service final : public GRPCInferenceService::CallbackService {
public:
    explicit Service(ServerContext& ctx) : ctx_(ctx) {}

    grpc::ServerUnaryReactor* ServerLive(grpc::CallbackServerContext* c, const ServerLiveRequest* req,
                                         ServerLiveResponse* res) override {
        return unary(ctx_, c, "ServerLive", *req, res, [&] { res->set_live(true); });
    }

    grpc::ServerUnaryReactor* ServerReady(grpc::CallbackServerContext* c, const ServerReadyRequest* req,
                                          ServerReadyResponse* res) override {
        return unary(ctx_, c, "ServerReady", *req, res, [&] { res->set_ready(ctx_.ready()); });
    }

    grpc::ServerUnaryReactor* ModelReady(grpc::CallbackServerContext* c, const ModelReadyRequest* req,
                                         ModelReadyResponse* res) override {
        return unary(ctx_, c, "ModelReady", *req, res, [&] {
            try {
                ctx_.repository.find(req->name(), req->version());
                res->set_ready(true);
            } catch (const ServeError& e) {
                if (e.code() != Code::kUnavailable) throw;  // unknown: NOT_FOUND; known, not loaded: ready = false
                res->set_ready(false);
            }
        });
    }

    grpc::ServerUnaryReactor* ServerMetadata(grpc::CallbackServerContext* c, const ServerMetadataRequest* req,
                                             ServerMetadataResponse* res) override {
        return unary(ctx_, c, "ServerMetadata", *req, res, [&] {
            res->set_name("konnx");
            res->set_version(konnx::version());
            for (const std::string& e : ctx_.extensions())
                res->add_extensions(e);
        });
    }

    grpc::ServerUnaryReactor* ModelMetadata(grpc::CallbackServerContext* c, const ModelMetadataRequest* req,
                                            ModelMetadataResponse* res) override {
        return unary(ctx_, c, "ModelMetadata", *req, res, [&] {
            auto model = ctx_.repository.find(req->name(), req->version());
            res->set_name(model->name());
            for (const std::string& v : ctx_.repository.versions(model->name()))
                res->add_versions(v);
            res->set_platform(model->platform());
            fill_tensors(model->inputs(), res->mutable_inputs());
            fill_tensors(model->outputs(), res->mutable_outputs());
        });
    }

    grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* c, const ModelInferRequest* req,
                                         ModelInferResponse* res) override {
        auto call = std::make_shared<Call>(ctx_, c, "ModelInfer", req->ByteSizeLong());
        call->record().model = req->model_name();
        call->record().version = req->model_version();
        call->record().request_id = req->id();
        try {
            if (ctx_.draining) fail_request(Code::kUnavailable, "the server is shutting down");
            auto model = ctx_.repository.find(req->model_name(), req->model_version());
            InferRequest request = decode_grpc_infer(*req);
            request.deadline = deadline_of(c);
            ResponseSpec spec{request.id, request.outputs, false};
            model->infer(std::move(request), [call, model, spec = std::move(spec), res](InferResult&& result) {
                if (result.code != Code::kOk) {
                    const ServeError e(result.code, result.message);
                    return call->finish(0, &e);
                }
                encode_grpc_infer(*model, spec, result, *res);
                call->finish(res->ByteSizeLong());
            });
        } catch (const ServeError& e) {
            call->finish(0, &e);
        }
        return call->reactor();
    }

    grpc::ServerUnaryReactor* RepositoryModelLoad(grpc::CallbackServerContext* c, const RepositoryModelLoadRequest* req,
                                                  RepositoryModelLoadResponse* res) override {
        return repository_action(c, "RepositoryModelLoad", *req, res, true);
    }

    grpc::ServerUnaryReactor* RepositoryModelUnload(grpc::CallbackServerContext* c,
                                                    const RepositoryModelUnloadRequest* req,
                                                    RepositoryModelUnloadResponse* res) override {
        return repository_action(c, "RepositoryModelUnload", *req, res, false);
    }

private:
    /// Load/unload take seconds: on a thread of their own, finishing the RPC from there.
    template <class Request, class Response>
    grpc::ServerUnaryReactor* repository_action(grpc::CallbackServerContext* c, const char* rpc, const Request& req,
                                                Response* res, bool load) {
        auto call = std::make_shared<Call>(ctx_, c, rpc, req.ByteSizeLong());
        const std::string name = req.model_name();
        call->record().model = name;
        try {
            if (ctx_.draining) fail_request(Code::kUnavailable, "the server is shutting down");
            check_request(ctx_.repository.is_folder(), "the repository extension needs a repository folder; this ",
                          "server serves a single model file");
            ctx_.run_detached([this, call, name, res, load] {
                try {
                    load ? ctx_.repository.load(name) : ctx_.repository.unload(name);
                    res->set_model_name(name);
                    if constexpr (std::is_same_v<Response, RepositoryModelLoadResponse>)
                        res->set_isloaded(true);
                    else
                        res->set_isunloaded(true);
                    call->finish(res->ByteSizeLong());
                } catch (const ServeError& e) {
                    const ServeError wrapped(e.code() == Code::kNotFound ? Code::kNotFound : Code::kInvalidArgument,
                                             cat("failed to ", load ? "load" : "unload", " '", name, "': ", e.what()));
                    call->finish(0, &wrapped);
                }
            });
        } catch (const ServeError& e) {
            call->finish(0, &e);
        }
        return call->reactor();
    }

    ServerContext& ctx_;
};

}  // namespace

struct GrpcServer::Impl {
    explicit Impl(ServerContext& ctx) : service(ctx) {}
    Service service;
    std::unique_ptr<grpc::Server> server;
    int port = 0;
};

GrpcServer::GrpcServer(ServerContext& ctx, const std::string& address, uint16_t port)
    : impl_(std::make_unique<Impl>(ctx)) {
    grpc::ServerBuilder builder;
    const std::string endpoint =
        address.find(':') != std::string::npos ? cat("[", address, "]:", port) : cat(address, ":", port);
    builder.AddListeningPort(endpoint, grpc::InsecureServerCredentials(), &impl_->port);
    builder.RegisterService(&impl_->service);
    builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<std::size_t>(ctx.limits.max_request_bytes, INT32_MAX)));
    builder.SetMaxSendMessageSize(-1);
    impl_->server = builder.BuildAndStart();
    if (!impl_->server || impl_->port == 0) fail_request(Code::kUnavailable, "cannot listen for gRPC on ", endpoint);
}

GrpcServer::~GrpcServer() {
    if (impl_->server) shutdown(Clock::now());
}

uint16_t GrpcServer::port() const { return static_cast<uint16_t>(impl_->port); }

void GrpcServer::shutdown(Clock::time_point deadline) {
    if (!impl_->server) return;
    const auto system_deadline =
        std::chrono::system_clock::now() +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(deadline - Clock::now());
    impl_->server->Shutdown(system_deadline);
    impl_->server->Wait();
    impl_->server.reset();
}

}  // namespace konnx::serve
