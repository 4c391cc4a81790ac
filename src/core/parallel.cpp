// SPDX-License-Identifier: MIT
#include "core/parallel.hpp"

#include <omp.h>

#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace konnx {

int physical_cores() {
    static const int cores = [] {
        // Count distinct (physical id, core id) pairs; fall back to hardware_concurrency.
        std::ifstream cpuinfo("/proc/cpuinfo");
        std::set<std::pair<std::string, std::string>> seen;
        std::string line, physical = "0";
        while (std::getline(cpuinfo, line)) {
            auto value = [&] {
                auto p = line.find(':');
                return p == std::string::npos ? "" : line.substr(p + 1);
            };
            if (line.rfind("physical id", 0) == 0) physical = value();
            if (line.rfind("core id", 0) == 0) seen.insert({physical, value()});
        }
        const int n = static_cast<int>(seen.size());
        const int hw = static_cast<int>(std::thread::hardware_concurrency());
        return n > 0 ? std::min(n, std::max(hw, 1)) : std::max(hw, 1);
    }();
    return cores;
}

void set_thread_count(int threads) { omp_set_num_threads(threads > 0 ? threads : physical_cores()); }

int current_thread_count() { return omp_get_max_threads(); }

}  // namespace konnx
