// SPDX-License-Identifier: MIT
// konnx_serve_load: a load generator for any KServe v2 server (konnx serve, KServe's ModelServer, Triton), in C++
// so that on a small shared machine the client costs little next to the servers it compares.
//
//   konnx_serve_load --url grpc://127.0.0.1:8001 --model m --input input --shape 1,3,224,224 --concurrency 8
//   konnx_serve_load --url http://127.0.0.1:8000 --model m --input input --shape 1,3,224,224 --rate 100
//
// Closed loop (--concurrency C): C clients each send their next request when the last one is answered; the
// throughput is the server's saturation throughput at that concurrency. Open loop (--rate R): requests are due at
// fixed intervals of 1/R s whatever the server does, sent by a pool of --connections clients, and each latency is
// measured from when its request was due (so a server that falls behind is charged for the queue it builds, no
// coordinated omission). HTTP uses the binary tensor extension; gRPC raw_input_contents. Prints one JSON object.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "grpc_predict_v2.grpc.pb.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string url, model, input = "input", datatype = "FP32";
    std::vector<int64_t> shape;
    int concurrency = 0, connections = 64;
    double rate = 0, duration = 10, warmup = 2;
};

struct Payload {
    std::string raw;          // the input tensor's bytes
    std::string http_header;  // the binary extension's JSON header
    inference::ModelInferRequest grpc;
};

class Client {
public:
    virtual ~Client() = default;
    /// One inference; false with `error` set when it failed.
    virtual bool infer(std::string& error) = 0;
};

class GrpcClient : public Client {
public:
    GrpcClient(const std::string& target, const Payload& p) : payload_(p) {
        grpc::ChannelArguments args;
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own, like a separate client
        args.SetMaxReceiveMessageSize(-1);
        args.SetMaxSendMessageSize(-1);
        stub_ = inference::GRPCInferenceService::NewStub(
            grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
    }
    bool infer(std::string& error) override {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        inference::ModelInferResponse response;
        const grpc::Status status = stub_->ModelInfer(&ctx, payload_.grpc, &response);
        if (!status.ok()) error = std::to_string(status.error_code()) + " " + status.error_message();
        return status.ok();
    }

private:
    const Payload& payload_;
    std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

class HttpClient : public Client {
public:
    HttpClient(std::string host, std::string port, const Options& o, const Payload& p)
        : host_(std::move(host)), port_(std::move(port)), payload_(p) {
        request_.method(http::verb::post);
        request_.target("/v2/models/" + o.model + "/infer");
        request_.version(11);
        request_.set(http::field::host, host_);
        request_.set(http::field::content_type, "application/octet-stream");
        request_.set("Inference-Header-Content-Length", std::to_string(p.http_header.size()));
        request_.keep_alive(true);
        request_.body() = p.http_header + p.raw;
        request_.prepare_payload();
    }
    bool infer(std::string& error) override {
        try {
            if (!socket_.is_open()) {
                tcp::resolver resolver(io_);
                boost::asio::connect(socket_, resolver.resolve(host_, port_));
                socket_.set_option(tcp::no_delay(true));
            }
            http::write(socket_, request_);
            http::response<http::string_body> response;
            http::read(socket_, buffer_, response);
            if (!response.keep_alive()) socket_.close();
            if (response.result_int() != 200) error = std::to_string(response.result_int()) + " " + response.body();
            return response.result_int() == 200;
        } catch (const std::exception& e) {
            boost::system::error_code ignored;
            socket_.close(ignored);
            buffer_.clear();
            error = e.what();
            return false;
        }
    }

private:
    std::string host_, port_;
    const Payload& payload_;
    boost::asio::io_context io_;
    tcp::socket socket_{io_};
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
};

Payload make_payload(const Options& o) {
    int64_t count = 1;
    for (int64_t d : o.shape)
        count *= d;
    std::vector<float> values(static_cast<std::size_t>(count));
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> dist(0, 1);
    for (float& v : values)
        v = dist(rng);
    Payload p;
    p.raw.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    p.http_header = nlohmann::json{{"inputs",
                                    {{{"name", o.input},
                                      {"datatype", o.datatype},
                                      {"shape", o.shape},
                                      {"parameters", {{"binary_data_size", p.raw.size()}}}}}},
                                   {"parameters", {{"binary_data_output", true}}}}
                        .dump();
    p.grpc.set_model_name(o.model);
    auto* in = p.grpc.add_inputs();
    in->set_name(o.input);
    in->set_datatype(o.datatype);
    for (int64_t d : o.shape)
        in->add_shape(d);
    p.grpc.add_raw_input_contents(p.raw);
    return p;
}

double percentile(std::vector<double>& v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = q / 100 * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(pos);
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

std::vector<int64_t> parse_shape(const std::string& text) {
    std::vector<int64_t> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find(',', start), text.size());
        out.push_back(std::stoll(text.substr(start, end - start)));
        start = end + 1;
    }
    return out;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--url")
            o.url = v;
        else if (k == "--model")
            o.model = v;
        else if (k == "--input")
            o.input = v;
        else if (k == "--datatype")
            o.datatype = v;
        else if (k == "--shape")
            o.shape = parse_shape(v);
        else if (k == "--concurrency")
            o.concurrency = std::stoi(v);
        else if (k == "--connections")
            o.connections = std::stoi(v);
        else if (k == "--rate")
            o.rate = std::stod(v);
        else if (k == "--duration")
            o.duration = std::stod(v);
        else if (k == "--warmup")
            o.warmup = std::stod(v);
        else
            throw std::invalid_argument("unknown option " + k);
    }
    if (o.url.empty() || o.model.empty() || o.shape.empty() || (o.concurrency <= 0) == (o.rate <= 0))
        throw std::invalid_argument("need --url, --model, --shape and one of --concurrency / --rate");
    return o;
}

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    const Payload payload = make_payload(o);
    const bool grpc_target = o.url.rfind("grpc://", 0) == 0;
    const std::string hostport = o.url.substr(o.url.find("://") + 3);
    const std::string host = hostport.substr(0, hostport.rfind(':')), port = hostport.substr(hostport.rfind(':') + 1);
    const int clients = o.concurrency > 0 ? o.concurrency : o.connections;

    const auto start = Clock::now() + std::chrono::milliseconds(200);
    const auto measure_from =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
    const auto end =
        measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
    std::atomic<int64_t> next{0};
    std::mutex mutex;
    std::vector<double> latencies;
    int64_t errors = 0, answered = 0;  // answered: warm-up included, for the servers' CPU time per request
    std::string first_error;
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&] {
            std::unique_ptr<Client> client;
            if (grpc_target)
                client = std::make_unique<GrpcClient>(hostport, payload);
            else
                client = std::make_unique<HttpClient>(host, port, o, payload);
            std::vector<double> mine;
            int64_t my_errors = 0, my_answered = 0;
            std::string my_error;
            std::this_thread::sleep_until(start);
            for (;;) {
                Clock::time_point due;
                if (o.rate > 0) {
                    const int64_t k = next.fetch_add(1);
                    due =
                        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k / o.rate));
                    if (due >= end) break;
                    std::this_thread::sleep_until(due);
                } else {
                    due = Clock::now();
                    if (due >= end) break;
                }
                std::string error;
                const bool ok = client->infer(error);
                ++my_answered;
                if (due < measure_from) continue;
                if (ok) {
                    mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
                } else {
                    ++my_errors;
                    if (my_error.empty()) my_error = error;
                }
            }
            std::lock_guard lock(mutex);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
            errors += my_errors;
            answered += my_answered;
            if (first_error.empty()) first_error = my_error;
        });
    for (auto& t : threads)
        t.join();
    const double measured = std::chrono::duration<double>(Clock::now() - measure_from).count();
    nlohmann::json out = {{"url", o.url},
                          {"model", o.model},
                          {"mode", o.rate > 0 ? "open" : "closed"},
                          {"concurrency", o.concurrency},
                          {"rate", o.rate},
                          {"requests", latencies.size()},
                          {"errors", errors},
                          {"answered_with_warmup", answered},
                          {"throughput", static_cast<double>(latencies.size()) / std::max(measured, 1e-9)},
                          {"mean_ms", latencies.empty() ? 0.0
                                                        : std::accumulate(latencies.begin(), latencies.end(), 0.0) /
                                                              static_cast<double>(latencies.size())},
                          {"p50_ms", percentile(latencies, 50)},
                          {"p90_ms", percentile(latencies, 90)},
                          {"p99_ms", percentile(latencies, 99)}};
    if (!first_error.empty()) out["first_error"] = first_error.substr(0, 300);
    std::cout << out.dump() << "\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "konnx_serve_load: " << e.what() << "\n";
    return 64;
}
