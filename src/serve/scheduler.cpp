// SPDX-License-Identifier: MIT
#include "serve/scheduler.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <new>
#include <thread>

#include "serve/datatype.hpp"

namespace konnx::serve {

struct Scheduler::Core {
    std::shared_ptr<const Session> session;
    SchedulerOptions options;
    std::shared_ptr<ModelMetrics> metrics;
    std::vector<std::string> input_names;

    std::mutex mutex;
    std::condition_variable work;    // workers: a job arrived, a batch was formed, or stop
    std::condition_variable reaper;  // the reaper: a job with a deadline arrived, or stop
    std::condition_variable exited;  // a thread finished
    std::deque<Job> queue;
    bool collecting = false;  // a worker is forming a batch
    bool stopping = false;
    int threads_alive = 0;

    void worker();
    void reap();
    std::vector<Job> take_batch(std::unique_lock<std::mutex>& lock);
    void execute(std::vector<Job>& batch);
    bool run_batch(std::vector<Job>& batch, std::vector<InferResult>& results, double& seconds);
    void thread_exit();
};

namespace {

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

/// Requests batch together when their inputs agree on everything but the first dimension.
bool same_signature(const Job& a, const Job& b) {
    for (std::size_t i = 0; i < a.inputs.size(); ++i) {
        const Tensor& x = a.inputs[i];
        const Tensor& y = b.inputs[i];
        if (x.dtype() != y.dtype() || x.rank() != y.rank() || x.rank() == 0 ||
            !std::equal(x.shape().begin() + 1, x.shape().end(), y.shape().begin() + 1))
            return false;
    }
    return true;
}

void finish(Job& job, InferResult&& result, ModelMetrics& metrics) {
    const double total = seconds_between(job.enqueued, Clock::now());
    if (result.code == Code::kOk) {
        metrics.success.fetch_add(1, std::memory_order_relaxed);
        metrics.request_seconds.observe(total);
    } else {
        metrics.failures[static_cast<std::size_t>(result.code)].fetch_add(1, std::memory_order_relaxed);
    }
    InferCallback done = std::move(job.done);
    done(std::move(result));
}

InferResult failure(Code code, std::string message) {
    InferResult r;
    r.code = code;
    r.message = std::move(message);
    return r;
}

/// What a Session error means for the client: its input (kInvalidArgument, e.g. a Reshape that cannot apply to
/// the given shape, or the memory budget it would exceed) or the server.
Code code_for(const Error& e) {
    switch (e.code()) {
        case ErrorCode::kInvalidArgument:
        case ErrorCode::kLimitExceeded: return Code::kInvalidArgument;
        default: return Code::kInternal;
    }
}

}  // namespace

Scheduler::Scheduler(std::shared_ptr<const Session> session, SchedulerOptions options,
                     std::shared_ptr<ModelMetrics> metrics)
    : core_(std::make_shared<Core>()) {
    core_->session = std::move(session);
    core_->options = std::move(options);
    core_->metrics = std::move(metrics);
    for (const TensorInfo& info : core_->session->inputs())
        core_->input_names.push_back(info.name);
    const int workers = std::max(1, core_->options.instances);
    core_->threads_alive = workers + 1;
    for (int i = 0; i < workers; ++i)
        std::thread([core = core_] { core->worker(); }).detach();
    std::thread([core = core_] { core->reap(); }).detach();
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::submit(Job job) {
    Core& c = *core_;
    bool has_deadline = false;
    {
        std::lock_guard lock(c.mutex);
        if (c.stopping) fail_request(Code::kUnavailable, "the model is being unloaded or the server is shutting down");
        if (static_cast<int64_t>(c.queue.size()) >= c.options.max_queue_size)
            fail_request(Code::kResourceExhausted, "the model's queue is full (", c.options.max_queue_size,
                         " requests waiting); retry later");
        has_deadline = job.deadline.has_value();
        c.queue.push_back(std::move(job));
        c.metrics->queue_depth.store(static_cast<int64_t>(c.queue.size()), std::memory_order_relaxed);
    }
    c.work.notify_all();  // the worker forming a batch wants it too, not only an idle one
    if (has_deadline) c.reaper.notify_one();
}

void Scheduler::stop() {
    {
        std::lock_guard lock(core_->mutex);
        core_->stopping = true;
    }
    core_->work.notify_all();
    core_->reaper.notify_all();
}

bool Scheduler::wait_stopped(Clock::time_point deadline) {
    std::unique_lock lock(core_->mutex);
    return core_->exited.wait_until(lock, deadline, [&] { return core_->threads_alive == 0; });
}

void Scheduler::Core::thread_exit() {
    std::lock_guard lock(mutex);
    --threads_alive;
    exited.notify_all();
}

void Scheduler::Core::worker() {
    std::unique_lock lock(mutex);
    for (;;) {
        work.wait(lock, [&] { return (!queue.empty() && !collecting) || (stopping && queue.empty()); });
        if (queue.empty()) break;  // stopping, nothing left
        std::vector<Job> batch = take_batch(lock);
        metrics->queue_depth.store(static_cast<int64_t>(queue.size()), std::memory_order_relaxed);
        if (stopping && queue.empty()) reaper.notify_all();  // the reaper exits once nothing is queued
        lock.unlock();
        work.notify_all();  // another idle worker may form the next batch now
        if (!batch.empty()) execute(batch);
        lock.lock();
    }
    lock.unlock();
    thread_exit();
}

std::vector<Job> Scheduler::Core::take_batch(std::unique_lock<std::mutex>& lock) {
    std::vector<Job> batch;
    batch.push_back(std::move(queue.front()));
    queue.pop_front();
    if (options.max_batch_size <= 0 || !options.dynamic_batching) return batch;
    collecting = true;
    int64_t rows = batch[0].rows;
    const auto until = batch[0].enqueued + std::chrono::microseconds(options.max_queue_delay_us);
    const int64_t enough =
        options.preferred_batch_sizes.empty() ? options.max_batch_size : options.preferred_batch_sizes.back();
    for (;;) {
        for (auto it = queue.begin(); it != queue.end() && rows < options.max_batch_size;) {
            if (rows + it->rows <= options.max_batch_size && same_signature(batch[0], *it)) {
                rows += it->rows;
                batch.push_back(std::move(*it));
                it = queue.erase(it);
            } else {
                ++it;
            }
        }
        if (rows >= enough || stopping || Clock::now() >= until) break;
        work.wait_until(lock, until);
    }
    collecting = false;
    return batch;
}

void Scheduler::Core::execute(std::vector<Job>& batch) {
    const auto start = Clock::now();
    for (const Job& job : batch)
        metrics->queue_seconds.observe(seconds_between(job.enqueued, start));
    std::vector<InferResult> results(batch.size());
    double compute = 0;
    if (!run_batch(batch, results, compute) && batch.size() > 1) {
        // One bad request (say an index out of range) must not fail the others it was batched with: run each alone.
        for (std::size_t j = 0; j < batch.size(); ++j) {
            std::vector<Job> one;
            one.push_back(std::move(batch[j]));
            std::vector<InferResult> r(1);
            run_batch(one, r, compute);
            batch[j] = std::move(one[0]);
            results[j] = std::move(r[0]);
        }
    }
    for (std::size_t j = 0; j < batch.size(); ++j) {
        results[j].queue_seconds = seconds_between(batch[j].enqueued, start);
        finish(batch[j], std::move(results[j]), *metrics);
    }
}

bool Scheduler::Core::run_batch(std::vector<Job>& batch, std::vector<InferResult>& results, double& seconds) {
    int64_t rows = 0;
    for (const Job& job : batch)
        rows += job.rows;
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (std::size_t i = 0; i < input_names.size(); ++i) {
        if (batch.size() == 1) {
            feeds.emplace_back(input_names[i], batch[0].inputs[i]);
            continue;
        }
        std::vector<const Tensor*> parts;
        for (const Job& job : batch)
            parts.push_back(&job.inputs[i]);
        feeds.emplace_back(input_names[i], concat_rows(parts));
    }
    const auto start = Clock::now();
    std::vector<Tensor> outputs;
    try {
        outputs = session->run(feeds);
    } catch (const Error& e) {
        for (auto& r : results)
            r = failure(code_for(e), cat("inference failed: ", e.what()));
        return false;
    } catch (const std::bad_alloc&) {
        for (auto& r : results)
            r = failure(Code::kInternal, "inference failed: out of memory");
        return false;
    }
    seconds = seconds_between(start, Clock::now());
    metrics->compute_seconds.observe(seconds);
    metrics->batch_size.observe(static_cast<double>(rows));
    metrics->executions.fetch_add(1, std::memory_order_relaxed);
    if (batch.size() > 1 || options.max_batch_size > 0) {
        for (std::size_t o = 0; o < outputs.size(); ++o)
            if (outputs[o].rank() == 0 || outputs[o].dim(0) != rows) {
                for (auto& r : results)
                    r = failure(Code::kInternal, cat("output '", session->outputs()[o].name, "' has shape ",
                                                     shape_str(outputs[o].shape()), " for a batch of ", rows,
                                                     " rows: the model's first dimension is not a batch dimension "
                                                     "(set max_batch_size: 0 in its config.pbtxt)"));
                return false;
            }
    }
    int64_t row = 0;
    for (std::size_t j = 0; j < batch.size(); ++j) {
        results[j].compute_seconds = seconds;
        results[j].batch_rows = rows;
        for (const Tensor& out : outputs)
            results[j].outputs.push_back(batch.size() == 1 ? out : slice_rows(out, row, batch[j].rows));
        row += batch[j].rows;
    }
    return true;
}

void Scheduler::Core::reap() {
    std::unique_lock lock(mutex);
    while (!(stopping && queue.empty())) {
        std::optional<Clock::time_point> next;
        for (const Job& job : queue)
            if (job.deadline && (!next || *job.deadline < *next)) next = job.deadline;
        if (next) {
            reaper.wait_until(lock, *next);
        } else {
            reaper.wait(lock);
        }
        std::vector<Job> expired;
        const auto now = Clock::now();
        for (auto it = queue.begin(); it != queue.end();) {
            if (it->deadline && *it->deadline <= now) {
                expired.push_back(std::move(*it));
                it = queue.erase(it);
            } else {
                ++it;
            }
        }
        if (expired.empty()) continue;
        metrics->queue_depth.store(static_cast<int64_t>(queue.size()), std::memory_order_relaxed);
        lock.unlock();
        for (Job& job : expired) {
            const double waited = seconds_between(job.enqueued, Clock::now());
            finish(job,
                   failure(Code::kDeadlineExceeded, cat("the request timed out after ", waited * 1000,
                                                        " ms in the queue, before the model ran it")),
                   *metrics);
        }
        lock.lock();
    }
    lock.unlock();
    thread_exit();
}

}  // namespace konnx::serve
