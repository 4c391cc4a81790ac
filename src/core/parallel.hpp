// SPDX-License-Identifier: MIT
// parallel_for over OpenMP: the same runtime oneDNN uses (Debian's libdnnl is built with OpenMP),
// so our kernels and oneDNN's share one team of threads and never oversubscribe the cores.
#pragma once

#include <algorithm>
#include <cstdint>

namespace konnx {

/// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items, in parallel when worth it.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& fn) {
    if (n <= 0) return;
    grain = std::max<int64_t>(grain, 1);
    const int64_t chunks = (n + grain - 1) / grain;
    if (chunks <= 1) {
        fn(int64_t{0}, n);
        return;
    }
#pragma omp parallel for schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
        const int64_t begin = c * grain;
        fn(begin, std::min(n, begin + grain));
    }
}

/// Cores this process may use: physical ones (no hyper-threads) in its affinity and cgroup CPU quota.
int physical_cores();

/// Sets the thread count used by parallel_for and oneDNN on the calling thread.
void set_thread_count(int threads);

/// The thread count parallel regions opened by the calling thread get now.
int current_thread_count();

}  // namespace konnx
