// SPDX-License-Identifier: MIT
// The optimized float32 path of RNN / GRU / LSTM, implemented in rnn_fast.cpp (this header stays free of
// OpenMP so tests can include it).
#pragma once

#include <memory>

#include "ops/support/op.hpp"

namespace konnx::ops {

struct RnnSpec;

/// The cells of the optimized path (GRU's two variants differ in when R_h meets the reset gate).
enum class RnnCellKind { kRnn, kLstm, kGru, kLinearBeforeResetGru };

/// The optimized float32 kernel of a recurrent node (ops/support/rnn_fast.cpp): one oneDNN matmul for
/// X·W^T of all steps, then per step a vectorized R·h fused with the gates, R packed once at plan time.
/// Returns `reference` itself when the node is outside what that covers: optimization level 0, float64,
/// clip, non-default activations, or W/R/B/P only known at run time (LSTM input_forget: the op decides).
/// The returned kernel still runs `reference` for calls whose sequence_lens are not all full length.
std::unique_ptr<Kernel> with_fast_path(const KernelInit& init, const RnnSpec& spec, RnnCellKind cell,
                                       std::unique_ptr<Kernel> reference);
/// Whether `kernel` came from the optimized path (for tests).
bool is_fast_rnn_kernel(const Kernel& kernel);

}  // namespace konnx::ops
