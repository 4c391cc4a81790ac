// SPDX-License-Identifier: MIT
// String tensors: dtype kString, owner = the std::vector<std::string> holding the elements, data = its first one.
#include "konnx/string_tensor.hpp"

#include "core/error.hpp"
#include "core/shape.hpp"

namespace konnx {

Tensor make_string_tensor(Shape shape, std::vector<std::string> values) {
    detail::check_element_count(values.size(), checked_numel(shape));
    auto owner = std::make_shared<std::vector<std::string>>(std::move(values));
    void* data = owner->data();
    return Tensor::wrap(DType::kString, std::move(shape), std::move(owner), data);
}

std::span<const std::string> string_values(const Tensor& tensor) {
    if (tensor.dtype() != DType::kString)
        fail(ErrorCode::kInvalidArgument, "expected a string tensor, got ", dtype_name(tensor.dtype()));
    return tensor.span<std::string>();
}

std::span<std::string> mutable_string_values(Tensor& tensor) {
    if (tensor.dtype() != DType::kString)
        fail(ErrorCode::kInvalidArgument, "expected a string tensor, got ", dtype_name(tensor.dtype()));
    return tensor.span<std::string>();
}

}  // namespace konnx
