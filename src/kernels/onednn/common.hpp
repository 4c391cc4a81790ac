// SPDX-License-Identifier: MIT
// The oneDNN bridge: one CPU engine, plain-layout memory descriptors, and a helper that lays out a
// kernel's scratch buffer (primitive scratchpads in user mode, temporary reordered tensors).
//
// Every primitive here is created once per plan (fixed shapes) with scratchpad_mode::user, so a
// run only wraps the caller's buffers in dnnl::memory objects, makes a stream and executes: runs
// share no mutable state and may go on concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace konnx::kernels::onednn {

using dims = dnnl::memory::dims;

/// The process-wide CPU engine.
const dnnl::engine& cpu_engine();

/// a, ab, abc, ... : the row-major tag for a rank (1..12).
dnnl::memory::format_tag plain_tag(std::size_t rank);
/// A dense row-major f32 descriptor.
dnnl::memory::desc plain_f32(const dims& shape);
/// Attributes with a user-managed scratchpad (and optional post-ops).
dnnl::primitive_attr user_scratchpad_attr(const dnnl::post_ops& ops = {});

/// Carves 64-byte aligned regions out of one scratch buffer.
class ScratchLayout {
public:
    /// Reserves `bytes`, returns its offset.
    std::size_t add(std::size_t bytes);
    std::size_t total() const { return total_; }

private:
    std::size_t total_ = 0;
};

/// A memory object over `ptr` (which oneDNN only reads when used as an input).
dnnl::memory wrap(const dnnl::memory::desc& md, const void* ptr);

/// A reorder from one layout to another, created once; run() converts `from` into `to`.
class Reorder {
public:
    Reorder() = default;
    Reorder(const dnnl::memory::desc& from, const dnnl::memory::desc& to, ScratchLayout& scratch);
    explicit operator bool() const { return static_cast<bool>(prim_); }
    void run(dnnl::stream& s, const dnnl::memory& from, const dnnl::memory& to, std::byte* scratch) const;

private:
    dnnl::primitive prim_;
    dnnl::memory::desc scratch_md_;
    std::size_t scratch_offset_ = 0;
};

/// Executes `prim` with `args` plus its scratchpad at `scratch` (when it needs one).
void execute(dnnl::stream& s, const dnnl::primitive& prim, std::unordered_map<int, dnnl::memory> args,
             const dnnl::memory::desc& scratchpad_md, std::byte* scratchpad);

/// Reorders a constant tensor once (plan time) into `to`, returning an owned memory.
dnnl::memory reorder_constant(const dnnl::memory::desc& from, const void* data, const dnnl::memory::desc& to);

}  // namespace konnx::kernels::onednn
