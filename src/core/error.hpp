// SPDX-License-Identifier: MIT
// Internal helpers for raising konnx::Error.
#pragma once

#include "core/strings.hpp"
#include "konnx/error.hpp"

namespace konnx {

template <class... Args>
[[noreturn]] void fail(ErrorCode code, const Args&... args) {
    throw Error(code, cat(args...));
}

/// Throws kInvalidModel unless `cond` holds: check_model(rank == 4, "W must be 4-D").
template <class... Args>
void check_model(bool cond, const Args&... args) {
    if (!cond) fail(ErrorCode::kInvalidModel, args...);
}

}  // namespace konnx

/// For programmer errors only (broken invariants), never for bad input.
#define KONNX_ASSERT(cond)                                                                                            \
    do {                                                                                                              \
        if (!(cond))                                                                                                  \
            ::konnx::fail(::konnx::ErrorCode::kInternal, "internal error: ", #cond, " at ", __FILE__, ":", __LINE__); \
    } while (0)
