// SPDX-License-Identifier: MIT
#include "serve/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace konnx::serve {

namespace {
std::atomic<int> g_verbosity{0};
std::mutex g_mutex;
}  // namespace

void set_log_verbosity(int verbosity) { g_verbosity = verbosity; }
int log_verbosity() { return g_verbosity; }

void log_line(int level, const std::string& message) {
    if (level > g_verbosity + 1) return;
    const std::string line = "konnx serve: " + message + "\n";
    std::lock_guard lock(g_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace konnx::serve
