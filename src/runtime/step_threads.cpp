// SPDX-License-Identifier: MIT
#include "runtime/step_threads.hpp"

#include <algorithm>

namespace konnx::runtime {
namespace {

// Serial throughput assumed by the estimate; only the ratio to the threshold below matters.
constexpr double kFlopsPerMicrosecond = 100e3;   // ~100 GFLOP/s: oneDNN fp32 on one AVX-512 core
constexpr double kElementsPerMicrosecond = 2e3;  // ~8 GB/s of float traffic through strided loops
// Parallel pays when half the serial time saves more than waking the other threads costs: ~6 us per
// region on an idle 2-core machine, far more on a busy one. Measured on the shared 2-core machine
// (load 8-12), the Fashion CNN's 4.5 MFLOP conv ran faster on one thread than on two, so the bar is
// 60 us of estimated work.
constexpr double kParallelMicroseconds = 60;

}  // namespace

double estimated_micros(const ops::OpDef& op, const ops::KernelInit& init) {
    if (!op.cost) return -1;
    const ops::OpCost c = op.cost(init);
    return std::max(c.flops / kFlopsPerMicrosecond, c.elements / kElementsPerMicrosecond);
}

int step_thread_count(const ops::OpDef& op, const ops::KernelInit& init, int session_threads) {
    if (session_threads <= 1) return session_threads;
    const double micros = estimated_micros(op, init);
    if (micros < 0) return session_threads;
    return micros < kParallelMicroseconds ? 1 : session_threads;
}

}  // namespace konnx::runtime
