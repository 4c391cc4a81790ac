// SPDX-License-Identifier: MIT
#include "serve/metrics.hpp"

#include <cstdio>

namespace konnx::serve {

namespace {

// Seconds: 100 us .. 30 s, about 2.5x apart (Prometheus client defaults start at 5 ms, too coarse for a 0.1 ms
// model). Batch sizes: powers of two.
const std::vector<double> kSecondsBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30};
const std::vector<double> kBatchBuckets = {1, 2, 4, 8, 16, 32, 64, 128};

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

/// Prometheus label value escaping: backslash, double quote and newline.
std::string escape_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
    out += cat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i)
        counts_[i] = 0;
}

void Histogram::observe(double value) {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i])
        ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
    uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        cumulative += counts_[i].load(std::memory_order_relaxed);
        const std::string le = i < bounds_.size() ? number(bounds_[i]) : "+Inf";
        out += cat(name, "_bucket{", labels, ",le=\"", le, "\"} ", cumulative, "\n");
    }
    out += cat(name, "_sum{", labels, "} ", number(sum_.load(std::memory_order_relaxed)), "\n");
    out += cat(name, "_count{", labels, "} ", cumulative, "\n");
}

ModelMetrics::ModelMetrics()
    : request_seconds(kSecondsBuckets),
      queue_seconds(kSecondsBuckets),
      compute_seconds(kSecondsBuckets),
      batch_size(kBatchBuckets) {}

std::shared_ptr<ModelMetrics> Metrics::model(const std::string& name, const std::string& version) {
    const std::string labels = cat("model=\"", escape_label(name), "\",version=\"", escape_label(version), "\"");
    std::lock_guard lock(mutex_);
    auto& slot = models_[labels];
    if (!slot) {
        slot = std::make_shared<ModelMetrics>();
        slot->labels = labels;
    }
    return slot;
}

void Metrics::count_request(const std::string& protocol, const std::string& endpoint, int status) {
    const std::string labels =
        cat("protocol=\"", protocol, "\",endpoint=\"", escape_label(endpoint), "\",status=\"", status, "\"");
    std::lock_guard lock(mutex_);
    ++requests_[labels];
}

std::string Metrics::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    family(out, "konnx_inference_requests_total", "counter", "Inference requests that succeeded, per model version.");
    for (const auto& [labels, m] : models_)
        out += cat("konnx_inference_requests_total{", labels, "} ", m->success.load(), "\n");
    family(out, "konnx_inference_failures_total", "counter",
           "Inference requests that failed, per model version and reason.");
    for (const auto& [labels, m] : models_)
        for (std::size_t c = 1; c < m->failures.size(); ++c)
            out += cat("konnx_inference_failures_total{", labels, ",reason=\"", code_name(static_cast<Code>(c)), "\"} ",
                       m->failures[c].load(), "\n");
    family(out, "konnx_inference_executions_total", "counter", "Model executions (one per batch).");
    for (const auto& [labels, m] : models_)
        out += cat("konnx_inference_executions_total{", labels, "} ", m->executions.load(), "\n");
    family(out, "konnx_queue_depth", "gauge", "Requests waiting in the model's queue.");
    for (const auto& [labels, m] : models_)
        out += cat("konnx_queue_depth{", labels, "} ", m->queue_depth.load(), "\n");
    const std::pair<const char*, Histogram ModelMetrics::*> histograms[] = {
        {"konnx_request_duration_seconds", &ModelMetrics::request_seconds},
        {"konnx_queue_duration_seconds", &ModelMetrics::queue_seconds},
        {"konnx_compute_duration_seconds", &ModelMetrics::compute_seconds},
        {"konnx_batch_size", &ModelMetrics::batch_size},
    };
    const char* helps[] = {"Time from a request's arrival at the model to its result.",
                           "Time requests waited in the queue before their batch ran.",
                           "Time of each model execution (one batch).", "Rows in each executed batch."};
    for (std::size_t h = 0; h < 4; ++h) {
        family(out, histograms[h].first, "histogram", helps[h]);
        for (const auto& [labels, m] : models_)
            ((*m).*histograms[h].second).render(out, histograms[h].first, labels);
    }
    family(out, "konnx_requests_total", "counter", "Requests answered, per transport, endpoint and status.");
    for (const auto& [labels, count] : requests_)
        out += cat("konnx_requests_total{", labels, "} ", count, "\n");
    return out;
}

}  // namespace konnx::serve
