// SPDX-License-Identifier: MIT
// How many threads each planned step gets. Waking an idle OpenMP worker costs microseconds (a futex
// wake and a reschedule; tens of microseconds on a busy machine), and every oneDNN primitive or
// parallel_for opens a parallel region. Steps whose work is smaller than a few wake-ups run on the
// calling thread alone; the rest use the session's threads.
#pragma once

#include <cstdint>
#include <span>

#include "graph/ir.hpp"
#include "ops/support/op.hpp"

namespace konnx::runtime {

/// Estimated floating-point operations of one run of `node` (its dominant term), or -1 when unknown.
double estimated_flops(const graph::Node& node, std::span<const ops::ValueFacts> inputs,
                       std::span<const ops::ValueFacts> outputs);

/// 1 when the step is too small to pay for waking a second thread, else `session_threads`.
int step_thread_count(const graph::Node& node, std::span<const ops::ValueFacts> inputs,
                      std::span<const ops::ValueFacts> outputs, int session_threads);

}  // namespace konnx::runtime
