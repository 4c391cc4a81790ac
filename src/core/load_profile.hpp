// SPDX-License-Identifier: MIT
// Where Session::open spends its time: with KONNX_PROFILE_LOAD set in the environment, each phase
// prints one line on stderr (wall ms, process CPU ms, minor page faults). Off (one getenv, once) otherwise.
#pragma once

#include <chrono>

namespace konnx {

class LoadPhase {
public:
    explicit LoadPhase(const char* name) noexcept;
    ~LoadPhase();
    LoadPhase(const LoadPhase&) = delete;
    LoadPhase& operator=(const LoadPhase&) = delete;

    /// Whether KONNX_PROFILE_LOAD is set.
    static bool enabled() noexcept;

private:
    const char* name_;
    std::chrono::steady_clock::time_point wall_;
    double cpu_ms_ = 0;
    long faults_ = 0;
};

}  // namespace konnx
