// SPDX-License-Identifier: MIT
// The oneDNN bridge: one CPU engine, plain-layout memory descriptors, and a helper that lays out a
// kernel's scratch buffer (primitive scratchpads in user mode, temporary reordered tensors).
//
// Every primitive here is created once per plan (fixed shapes) with scratchpad_mode::user, so a
// run only wraps the caller's buffers in dnnl::memory objects, makes a stream and executes: runs
// share no mutable state and may go on concurrently.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
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

/// This thread's stream on the CPU engine: creating one per run allocates; CPU streams execute in
/// order on the calling thread, so one per thread serves every primitive.
dnnl::stream& thread_stream();

/// A kernel's argument memory objects, created once and re-pointed at each run's buffers: creating
/// them allocates (about 1.5 us per primitive run on a 20 us batch-1 MatMul), re-pointing does not.
/// One run at a time holds them; a concurrent run of the same kernel wraps its buffers afresh.
class ArgCache {
public:
    /// One slot per descriptor. Descriptors with padded dims get none (re-pointing zero-pads).
    explicit ArgCache(const std::vector<dnnl::memory::desc>& descs);

    /// Holds the cache for one run when no other run does.
    class Lease {
    public:
        explicit Lease(const ArgCache& cache);
        ~Lease();
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        /// A memory of slot `slot`'s descriptor `md` over `ptr`.
        dnnl::memory bind(std::size_t slot, const dnnl::memory::desc& md, const void* ptr) const;

    private:
        const ArgCache* cache_;
    };

private:
    mutable std::atomic<bool> busy_{false};
    mutable std::vector<dnnl::memory> slots_;  // empty memory = not cached
};

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

/// A constant (weights, bias) reordered once at plan time into oneDNN's layout; `storage` owns the buffer
/// (allocate_load_memory: shared huge-page blocks rather than one allocation per weight).
struct PackedConstant {
    dnnl::memory memory;
    std::shared_ptr<void> storage;
    explicit operator bool() const { return static_cast<bool>(memory); }
};

/// Reorders a constant tensor once (plan time) into `to`.
PackedConstant reorder_constant(const dnnl::memory::desc& from, const void* data, const dnnl::memory::desc& to);

}  // namespace konnx::kernels::onednn
