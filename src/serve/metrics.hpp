// SPDX-License-Identifier: MIT
// Prometheus metrics for /metrics (text exposition format 0.0.4): per-model request counts, failures by reason,
// histograms of request, queue and compute time and of executed batch sizes, queue depth; per-endpoint counts
// by status for both transports. Updates are lock-free atomics; rendering takes a snapshot.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "serve/status.hpp"

namespace konnx::serve {

class Histogram {
public:
    explicit Histogram(std::vector<double> upper_bounds);
    void observe(double value);
    /// Appends NAME_bucket{LABELS,le="..."}, NAME_sum and NAME_count lines.
    void render(std::string& out, const std::string& name, const std::string& labels) const;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // one per bound, then +Inf
    std::atomic<double> sum_{0};
};

/// The series of one model version (labels model="...",version="...").
struct ModelMetrics {
    ModelMetrics();
    std::string labels;
    std::atomic<uint64_t> success{0}, executions{0};
    std::array<std::atomic<uint64_t>, 8> failures{};  // indexed by Code
    std::atomic<int64_t> queue_depth{0};
    Histogram request_seconds, queue_seconds, compute_seconds, batch_size;
};

class Metrics {
public:
    /// The series of `model` version `version`, created on first use (kept after unload, as Prometheus expects).
    std::shared_ptr<ModelMetrics> model(const std::string& name, const std::string& version);
    /// One request answered by a transport ("http" or "grpc"), by endpoint (route or RPC) and status.
    void count_request(const std::string& protocol, const std::string& endpoint, int status);
    std::string render() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<ModelMetrics>> models_;
    std::map<std::string, uint64_t> requests_;  // rendered labels -> count
};

}  // namespace konnx::serve
