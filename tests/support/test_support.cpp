// SPDX-License-Identifier: MIT
#include "support/test_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "core/dispatch.hpp"
#include "core/half.hpp"
#include "onnx/model_io.hpp"

namespace konnx::test {

std::string source_dir() { return KONNX_SOURCE_DIR; }
std::string binary_dir() { return KONNX_BINARY_DIR; }
std::string cli_path() { return KONNX_CLI; }
std::string python() { return source_dir() + "/.venv/bin/python"; }

std::string shared_dir() {
    namespace fs = std::filesystem;
    for (const char* env : {"KONNX_SHARED_DIR"})
        if (const char* v = std::getenv(env); v && fs::exists(v)) return v;
    // ../shared next to the checkout, or ../../shared for a worktree under <root>/wt/<name>.
    for (const fs::path& candidate : {fs::path(source_dir()).parent_path() / "shared",
                                      fs::path(source_dir()).parent_path().parent_path() / "shared"})
        if (fs::exists(candidate / "keras-real") || fs::exists(candidate)) return candidate.string();
    return "";
}

graph::Model single_node_model(const std::string& op_type, const std::vector<Tensor>& inputs, std::size_t num_outputs,
                               std::vector<std::pair<std::string, graph::Attribute>> attributes, int opset) {
    graph::Model model;
    model.opsets.push_back({"", opset});
    model.producer_name = "konnx-test";
    graph::Node node;
    node.op_type = op_type;
    node.name = op_type + "_under_test";
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const std::string name = inputs[i].defined() ? cat("x", i) : "";
        node.inputs.push_back(name);
        if (!inputs[i].defined()) continue;
        graph::ValueInfo v{name, inputs[i].dtype(), {}, true, ""};
        for (int64_t d : inputs[i].shape())
            v.shape.push_back(Dim{d, ""});
        model.graph.inputs.push_back(v);
    }
    for (std::size_t i = 0; i < num_outputs; ++i) {
        node.outputs.push_back(cat("y", i));
        model.graph.outputs.push_back({cat("y", i)});
    }
    node.attributes = std::move(attributes);
    model.graph.nodes.push_back(node);
    return model;
}

Session session_from_model(const graph::Model& model, const SessionOptions& options) {
    const std::string bytes = onnxio::serialize_model(model);
    return Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
}

std::vector<Tensor> run_single_node(const std::string& op_type, const std::vector<Tensor>& inputs,
                                    std::size_t num_outputs,
                                    std::vector<std::pair<std::string, graph::Attribute>> attributes, int opset,
                                    int level) {
    SessionOptions options;
    options.optimization_level = level;
    Session session =
        session_from_model(single_node_model(op_type, inputs, num_outputs, std::move(attributes), opset), options);
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].defined()) feeds.emplace_back(cat("x", i), inputs[i]);
    return session.run(feeds);
}

namespace {
double element(const Tensor& t, int64_t i) {
    if (t.dtype() == DType::kBool) return t.data<bool>()[i];
    if (t.dtype() == DType::kFloat16) return to_float(t.data<Float16>()[i]);
    double v = 0;
    dispatch_list(NumericTypes{}, t.dtype(), [&]<class T>() { v = static_cast<double>(t.data<T>()[i]); });
    return v;
}
}  // namespace

::testing::AssertionResult tensors_close(const Tensor& got, const Tensor& want, double rtol, double atol) {
    if (got.dtype() != want.dtype())
        return ::testing::AssertionFailure()
               << "dtype " << dtype_name(got.dtype()) << " != " << dtype_name(want.dtype());
    if (got.shape() != want.shape())
        return ::testing::AssertionFailure() << "shape " << shape_str(got.shape()) << " != " << shape_str(want.shape());
    double worst = 0;
    int64_t worst_i = -1;
    for (int64_t i = 0; i < want.numel(); ++i) {
        const double a = element(got, i), b = element(want, i);
        if (std::isnan(a) && std::isnan(b)) continue;
        const double excess = std::fabs(a - b) - (atol + rtol * std::fabs(b));
        if (excess > worst || std::isnan(a) != std::isnan(b)) {
            worst = std::isnan(excess) ? INFINITY : excess;
            worst_i = i;
        }
    }
    if (worst_i >= 0)
        return ::testing::AssertionFailure() << "element " << worst_i << ": got " << element(got, worst_i) << ", want "
                                             << element(want, worst_i) << " (rtol " << rtol << ", atol " << atol << ")";
    return ::testing::AssertionSuccess();
}

CommandResult run_command(const std::vector<std::string>& argv, int timeout_seconds) {
    CommandResult result;
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return result;
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(out_pipe[0]);
        close(err_pipe[0]);
        const int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, static_cast<int>(left)) <= 0) continue;
        for (int k = 0; k < 2; ++k) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP))) continue;
            const ssize_t n = read(fds[k].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[k].fd);
                fds[k].fd = -1;
                --open_fds;
            } else {
                (k == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signaled = true;
    return result;
}

}  // namespace konnx::test
