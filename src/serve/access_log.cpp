// SPDX-License-Identifier: MIT
#include "serve/access_log.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "serve/status.hpp"

namespace konnx::serve {

namespace {

/// RFC 3339 UTC time with milliseconds: 2026-12-07T13:05:01.123Z.
std::string now_utc() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
    return out;
}

}  // namespace

AccessLog::AccessLog(const std::string& destination) {
    if (destination == "off") return;
    if (destination == "-" || destination == "stderr") {
        file_ = stderr;
        return;
    }
    file_ = std::fopen(destination.c_str(), "a");
    if (!file_) fail_request(Code::kInvalidArgument, "cannot open access log ", destination);
    owned_ = true;
}

AccessLog::~AccessLog() {
    if (owned_) std::fclose(file_);
}

void AccessLog::write(const AccessRecord& r) {
    if (!file_) return;
    nlohmann::json line = {{"time", now_utc()},
                           {"protocol", r.protocol},
                           {"remote", r.remote},
                           {"method", r.method},
                           {"path", r.path},
                           {"status", r.status},
                           {"request_bytes", r.request_bytes},
                           {"response_bytes", r.response_bytes},
                           {"duration_ms", std::round(r.duration_ms * 1000) / 1000}};
    if (!r.model.empty()) line["model"] = r.model;
    if (!r.version.empty()) line["version"] = r.version;
    if (!r.request_id.empty()) line["id"] = r.request_id;
    if (!r.error.empty()) line["error"] = r.error;
    // Invalid UTF-8 from a client (a path, an id) is replaced, never an exception.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
}

}  // namespace konnx::serve
