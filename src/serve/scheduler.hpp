// SPDX-License-Identifier: MIT
// One model version's scheduler: a bounded queue, `instances` worker threads sharing the model's Session, and the
// dynamic batcher. A free worker takes the oldest request and, for a batched model, the queued requests that can
// join it (same non-batch shapes, total rows <= max_batch_size), waiting up to max_queue_delay for more; it runs
// them as one batch and hands each request its rows of the outputs. Only one worker forms a batch at a time, so
// idle instances do not split a batch between them. Requests whose deadline passes while queued are answered
// with kDeadlineExceeded by a reaper thread; a full queue refuses with kResourceExhausted.
//
// Lifetime: the workers share the scheduler's state, so the Scheduler handle may be dropped from any thread
// (even from a completion callback on a worker); stop() refuses new work, lets queued work finish, and the
// threads exit when the queue is empty.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "konnx/session.hpp"
#include "serve/metrics.hpp"
#include "serve/request.hpp"

namespace konnx::serve {

struct SchedulerOptions {
    int instances = 1;
    int max_batch_size = 0;  ///< 0: the model has no batch dimension; requests run as they come
    bool dynamic_batching = true;
    std::vector<int> preferred_batch_sizes;
    int64_t max_queue_delay_us = 0;
    int64_t max_queue_size = 128;
};

struct Job {
    std::vector<Tensor> inputs;  ///< in the model's input order, checked against it
    int64_t rows = 1;            ///< the batch dimension of the inputs (1 for unbatched models)
    Clock::time_point enqueued = Clock::now();
    std::optional<Clock::time_point> deadline;
    InferCallback done;
};

class Scheduler {
public:
    Scheduler(std::shared_ptr<const Session> session, SchedulerOptions options, std::shared_ptr<ModelMetrics> metrics);
    ~Scheduler();  // stop()
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    /// Queues a job; ServeError(kResourceExhausted) when the queue is full, kUnavailable once stopped.
    void submit(Job job);
    /// Refuses new jobs; queued and running ones still complete.
    void stop();
    /// After stop(): waits until every worker has finished, or `deadline`. True if they all did.
    bool wait_stopped(Clock::time_point deadline);

    struct Core;

private:
    std::shared_ptr<Core> core_;
};

}  // namespace konnx::serve
