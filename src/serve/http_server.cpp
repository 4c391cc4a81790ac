// SPDX-License-Identifier: MIT
#include "serve/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>

#include "konnx/version.hpp"
#include "serve/http_infer.hpp"
#include "serve/log.hpp"

namespace konnx::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
    ServerContext& ctx;
    net::io_context ioc;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    int thread_count;
    std::atomic<int> connections{0};
    // Keeps run() going while no socket operation is pending: an answer may still be posted by a model's worker.
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;

    Impl(ServerContext& c, int n) : ctx(c), ioc(n), acceptor(ioc), thread_count(n) {}
    void accept();
};

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(tcp::socket&& socket, HttpServer::Impl& server) : server_(server), stream_(std::move(socket)) {
        ++server_.connections;
        beast::error_code ec;
        const auto peer = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_ = peer.address().to_string() + ":" + std::to_string(peer.port());
    }
    ~Connection() { --server_.connections; }

    void start() { read_header(); }

private:
    ServerContext& ctx() { return server_.ctx; }

    /// Waits (up to the idle timeout) for the next request's first bytes; from then on the request has the read
    /// timeout to arrive whole, so a client trickling its headers cannot hold the connection for long.
    void read_header() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(ctx().limits.max_header_bytes));
        parser_->body_limit(ctx().limits.max_request_bytes);
        if (buffer_.size() > 0) return read_rest_of_header();  // a pipelined request is already here
        arm(ctx().limits.idle_timeout_s);
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    if (ec) return self->read_failed(ec, "request headers");
                                    self->buffer_.commit(n);
                                    self->read_rest_of_header();
                                });
    }

    void read_rest_of_header() {
        started_ = Clock::now();
        arm(ctx().limits.read_timeout_s);
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Connection::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        if (ec) return read_failed(ec, "request headers");
        auto& req = parser_->get();
        request_bytes_ = 0;
        if (const auto length = parser_->content_length(); length && *length > ctx().limits.max_request_bytes)
            return reject(413, cat("the request body is ", *length, " bytes, more than the server's limit of ",
                                   ctx().limits.max_request_bytes, " bytes (--max-request-bytes)"));
        // The body shares the headers' deadline: the whole request arrives within the read timeout.
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            continue_.emplace(http::status::continue_, req.version());
            return http::async_write(stream_, *continue_,
                                     [self = shared_from_this()](beast::error_code e, std::size_t) {
                                         if (e) return;
                                         self->read_body();
                                     });
        }
        read_body();
    }

    void read_body() {
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Connection::on_body, shared_from_this()));
    }

    void on_body(beast::error_code ec, std::size_t bytes) {
        if (ec) return read_failed(ec, "request body");
        request_bytes_ = bytes;
        auto message = parser_->release();
        method_ = std::string(message.method_string());
        target_ = std::string(message.target());
        keep_alive_ = message.keep_alive();
        HttpRequest request;
        request.method = method_;
        request.target = target_;
        if (auto it = message.find("Inference-Header-Content-Length"); it != message.end())
            request.header_length = std::string(it->value());
        if (auto it = message.find(http::field::content_encoding); it != message.end())
            request.content_encoding = std::string(it->value());
        request.body = std::move(message.body());
        deadline_.cancel();  // inference may take long; the write gets its own deadline
        auto self = shared_from_this();
        in_flight_.emplace(ctx());  // until the answer is written: the drain waits for it
        handle_http(ctx(), std::move(request), [self, executor = stream_.get_executor()](HttpReply&& reply) {
            net::post(executor, [self, reply = std::move(reply)]() mutable { self->send(std::move(reply)); });
        });
    }

    /// The read deadline: tcp_stream's own expiry would close the socket, leaving no way to answer 408, so a
    /// timer of ours cancels the read instead.
    void arm(int seconds) {
        timed_out_ = false;
        deadline_.expires_after(std::chrono::seconds(seconds));
        deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            self->timed_out_ = true;
            beast::error_code ignored;
            self->stream_.socket().cancel(ignored);
        });
    }

    /// A request that could not be read: answer when the client can still hear it, then close.
    void read_failed(beast::error_code ec, const char* what) {
        deadline_.cancel();
        if (ec == net::error::operation_aborted && timed_out_) ec = beast::error::timeout;
        if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
            ec == net::error::operation_aborted)
            return close();
        const bool started = buffer_.size() > 0 || (parser_ && parser_->got_some());
        if (ec == beast::error::timeout) {
            if (!started) return close();  // an idle keep-alive connection
            return reject(
                408, cat("the ", what, " did not arrive within ", ctx().limits.read_timeout_s, " s (--read-timeout)"));
        }
        if (ec == http::error::header_limit)
            return reject(431, cat("the request headers exceed ", ctx().limits.max_header_bytes, " bytes"));
        if (ec == http::error::body_limit)
            return reject(413, cat("the request body exceeds the server's limit of ", ctx().limits.max_request_bytes,
                                   " bytes (--max-request-bytes)"));
        if (ec == http::error::partial_message)
            return reject(400, cat("the request body is truncated: the client stopped sending before the ",
                                   parser_->content_length()
                                       ? cat(*parser_->content_length(), " bytes its Content-Length announced")
                                       : std::string("end of its chunked body")));
        reject(400, cat("malformed HTTP request (", what, "): ", ec.message()));
    }

    void reject(int status, const std::string& message) {
        if (parser_ && parser_->is_header_done()) {
            method_ = std::string(parser_->get().method_string());
            target_ = std::string(parser_->get().target());
        }
        keep_alive_ = false;
        HttpReply reply;
        reply.status = status;
        reply.body = error_json(message);
        reply.error = message;
        send(std::move(reply));
    }

    void send(HttpReply&& reply) {
        auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), 11);
        res->set(http::field::server, std::string("konnx/") + konnx::version());
        res->set(http::field::content_type, reply.content_type);
        if (reply.json_length) res->set("Inference-Header-Content-Length", std::to_string(*reply.json_length));
        if (!reply.allow.empty()) res->set(http::field::allow, reply.allow);
        const bool keep =
            keep_alive_ && !ctx().draining && reply.status != 408 && reply.status != 413 && reply.status != 431;
        res->keep_alive(keep);
        res->body() = std::move(reply.body);
        res->prepare_payload();
        record_.protocol = "http";
        record_.remote = remote_;
        record_.method = method_;
        record_.path = target_;
        record_.status = reply.status;
        record_.request_bytes = request_bytes_;
        record_.response_bytes = res->body().size();
        record_.model = std::move(reply.model);
        record_.version = std::move(reply.version);
        record_.request_id = std::move(reply.request_id);
        record_.error = std::move(reply.error);
        stream_.expires_after(std::chrono::seconds(ctx().limits.write_timeout_s));
        http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
            self->on_write(ec, !res->keep_alive());
        });
    }

    void on_write(beast::error_code ec, bool close_after) {
        record_.duration_ms = ms_since(started_);
        ctx().access_log.write(record_);
        ctx().metrics.count_request("http", endpoint_of(record_.path), record_.status);
        in_flight_.reset();
        if (ec || close_after) return close();
        read_header();
    }

    /// The route without model names or versions, for a metrics label of bounded cardinality.
    static std::string endpoint_of(const std::string& target) {
        const std::string path = target.substr(0, target.find('?'));
        if (path.rfind("/v2/models/", 0) == 0) {
            const auto last = path.rfind('/');
            const std::string tail = path.substr(last + 1);
            if (tail == "infer" || tail == "ready" || tail == "config") return "/v2/models/{model}/" + tail;
            return "/v2/models/{model}";
        }
        if (path.rfind("/v2/repository/models/", 0) == 0)
            return "/v2/repository/models/{model}/" + path.substr(path.rfind('/') + 1);
        if (path == "/v2" || path == "/v2/health/live" || path == "/v2/health/ready" || path == "/metrics" ||
            path == "/v2/repository/index")
            return path;
        return "other";
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.close();
    }

    HttpServer::Impl& server_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    net::steady_timer deadline_{stream_.get_executor()};
    bool timed_out_ = false;
    std::optional<InFlight> in_flight_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::empty_body>> continue_;
    std::string remote_, method_, target_;
    bool keep_alive_ = true;
    std::size_t request_bytes_ = 0;
    Clock::time_point started_ = Clock::now();
    AccessRecord record_;
};

}  // namespace

void HttpServer::Impl::accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
        if (!ec) {
            if (connections.load() >= ctx.limits.max_connections) {
                log_warning(
                    cat("refusing an HTTP connection: ", ctx.limits.max_connections, " are open (--max-connections)"));
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                std::make_shared<Connection>(std::move(socket), *this)->start();
            }
        }
        accept();
    });
}

HttpServer::HttpServer(ServerContext& ctx, const std::string& address, uint16_t port, int threads)
    : impl_(std::make_unique<Impl>(ctx, std::max(1, threads))) {
    beast::error_code ec;
    const auto addr = net::ip::make_address(address, ec);
    if (ec) fail_request(Code::kInvalidArgument, "invalid HTTP address '", address, "'");
    const tcp::endpoint endpoint(addr, port);
    auto& a = impl_->acceptor;
    a.open(endpoint.protocol(), ec);
    if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail_request(Code::kUnavailable, "cannot listen for HTTP on ", address, ":", port, ": ", ec.message());
}

HttpServer::~HttpServer() { stop(); }

uint16_t HttpServer::port() const {
    beast::error_code ec;
    return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::start() {
    impl_->work.emplace(impl_->ioc.get_executor());
    impl_->accept();
    for (int i = 0; i < impl_->thread_count; ++i)
        impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

void HttpServer::stop_accepting() {
    net::post(impl_->ioc, [this] {
        beast::error_code ec;
        impl_->acceptor.close(ec);
    });
}

void HttpServer::stop() {
    if (!impl_) return;
    impl_->work.reset();
    impl_->ioc.stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
}

}  // namespace konnx::serve
