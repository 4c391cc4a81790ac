// SPDX-License-Identifier: MIT
// Float32 weight reshuffling used while reading and converting Keras weights.
#pragma once

#include <vector>

#include "konnx/tensor.hpp"

namespace konnx::keras {

/// out.shape[i] = in.shape[perm[i]] (numpy transpose), float32 only.
Tensor permute(const Tensor& in, const std::vector<int>& perm);
/// Reverses the given axes (Theano kernels are flipped relative to TensorFlow's).
Tensor flip(const Tensor& in, const std::vector<int>& axes);
/// Concatenates float32 tensors along `axis`.
Tensor concat(const std::vector<Tensor>& parts, int axis);
/// Slices [begin, end) along `axis`.
Tensor slice(const Tensor& in, int axis, int64_t begin, int64_t end);

}  // namespace konnx::keras
