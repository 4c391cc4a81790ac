// SPDX-License-Identifier: MIT
// How many threads each planned step gets. Waking an idle worker costs microseconds (a futex wake and a
// reschedule; tens of microseconds on a busy machine), and every oneDNN primitive or parallel_for opens a
// parallel region. Steps whose work is smaller than a few wake-ups run on the calling thread alone; the rest
// use the session's threads. The work comes from the op's own cost function (OpDef::cost, declared next to
// its shape function), so no op is named here.
#pragma once

#include "ops/support/op.hpp"

namespace konnx::runtime {

/// Estimated serial time of one run of the step in microseconds, or -1 when the op declares no cost.
double estimated_micros(const ops::OpDef& op, const ops::KernelInit& init);

/// 1 when the step is too small to pay for waking a second thread, else `session_threads`.
int step_thread_count(const ops::OpDef& op, const ops::KernelInit& init, int session_threads);

}  // namespace konnx::runtime
