// SPDX-License-Identifier: MIT
#include "core/load_profile.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

namespace konnx {
namespace {

void usage(double& cpu_ms, long& faults) {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    cpu_ms = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
             static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-3;
    faults = u.ru_minflt;
}

}  // namespace

bool LoadPhase::enabled() noexcept {
    static const bool on = std::getenv("KONNX_PROFILE_LOAD") != nullptr;
    return on;
}

LoadPhase::LoadPhase(const char* name) noexcept : name_(name) {
    if (!enabled()) return;
    wall_ = std::chrono::steady_clock::now();
    usage(cpu_ms_, faults_);
}

LoadPhase::~LoadPhase() {
    if (!enabled()) return;
    double cpu_ms = 0;
    long faults = 0;
    usage(cpu_ms, faults);
    const double wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_).count();
    std::fprintf(stderr, "konnx load: %-28s %8.1f ms wall %8.1f ms CPU %7ld page faults\n", name_, wall_ms,
                 cpu_ms - cpu_ms_, faults - faults_);
}

}  // namespace konnx
