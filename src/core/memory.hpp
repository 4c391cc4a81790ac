// SPDX-License-Identifier: MIT
// Large-buffer hints for the kernel's memory manager.
#pragma once

#include <cstddef>
#include <memory>

#include "konnx/tensor.hpp"

namespace konnx {

/// Asks for transparent huge pages on [p, p+bytes) when it is large (>= 4 MiB): a 100 MB weight copy
/// or arena then costs ~50 page faults instead of ~25,000 (Linux "madvise" THP mode; a no-op elsewhere).
void advise_huge_pages(void* p, std::size_t bytes) noexcept;

/// 64-byte-aligned memory for buffers that live as long as a session and are made at load (weights a model
/// file leaves misaligned, copied once; weights packed for oneDNN), carved from shared 32 MiB blocks advised
/// for huge pages: ResNet50's copied weights fault in ~25 huge pages instead of ~12,000 small ones. A piece
/// keeps its block alive and the allocator holds none, so when a session ends its blocks go too, except
/// one it may share with a session loaded right after it; a piece freed earlier returns its whole pages at
/// once. Thread-safe (kernels are built in parallel).
std::shared_ptr<void> allocate_load_memory(std::size_t bytes);

/// An uninitialized tensor in allocate_load_memory: for weights made at load (copied, folded, packed).
Tensor empty_load_tensor(DType dtype, Shape shape);

}  // namespace konnx
