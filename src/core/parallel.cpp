// SPDX-License-Identifier: MIT
#include "core/parallel.hpp"

#include <omp.h>

#include <fstream>
#include <sstream>

#include "core/cpu_limits.hpp"

namespace konnx {

int physical_cores() {
    static const int cores = [] {
        std::ifstream in("/proc/cpuinfo");
        std::stringstream cpuinfo;
        cpuinfo << in.rdbuf();
        return usable_cores("/", cpuinfo.str(), affinity_cpus());
    }();
    return cores;
}

void set_thread_count(int threads) { omp_set_num_threads(threads > 0 ? threads : physical_cores()); }

int current_thread_count() { return omp_get_max_threads(); }

}  // namespace konnx
