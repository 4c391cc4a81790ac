// SPDX-License-Identifier: MIT
// Sequence and optional values: a Tensor of kind kSequence/kOptional whose owner is a Container holding the items
// (an optional holds zero or one).
#include "konnx/sequence.hpp"

#include "core/error.hpp"

namespace konnx {
namespace {

struct Container {
    DType elem_type = DType::kUndefined;
    std::vector<Tensor> items;
};

const Container& container_of(const Tensor& t, DType kind) {
    if (t.dtype() != kind)
        fail(ErrorCode::kInvalidArgument, "expected a ", dtype_name(kind), ", got a ", dtype_name(t.dtype()),
             " tensor");
    return *static_cast<const Container*>(t.raw());
}

Tensor make_container(DType kind, std::shared_ptr<Container> c) {
    void* data = c.get();
    return Tensor::wrap(kind, {}, std::move(c), data);
}

}  // namespace

namespace detail {

Tensor clone_container(const Tensor& container) {
    const auto& c = *static_cast<const Container*>(container.raw());
    auto copy = std::make_shared<Container>(Container{c.elem_type, {}});
    for (const Tensor& item : c.items)
        copy->items.push_back(item.clone());
    return make_container(container.dtype(), std::move(copy));
}

}  // namespace detail

Tensor make_sequence(DType elem_type, std::vector<Tensor> items) {
    if (elem_type == DType::kUndefined && !items.empty()) elem_type = items[0].dtype();
    for (const Tensor& item : items)
        if (!item.defined() || is_container(item.dtype()) || item.dtype() != elem_type)
            fail(ErrorCode::kInvalidArgument, "a sequence of ", dtype_name(elem_type), " cannot hold a ",
                 dtype_name(item.dtype()), " tensor");
    return make_container(kSequenceType, std::make_shared<Container>(Container{elem_type, std::move(items)}));
}

Tensor make_optional(DType elem_type, Tensor value) {
    if (value.defined() && elem_type == DType::kUndefined) elem_type = value.dtype();
    if (value.defined() && (value.dtype() != elem_type || value.dtype() == kOptionalType))
        fail(ErrorCode::kInvalidArgument, "an optional ", dtype_name(elem_type), " cannot hold a ",
             dtype_name(value.dtype()));
    auto c = std::make_shared<Container>(Container{elem_type, {}});
    if (value.defined()) c->items.push_back(std::move(value));
    return make_container(kOptionalType, std::move(c));
}

const std::vector<Tensor>& sequence_items(const Tensor& sequence) {
    return container_of(sequence, kSequenceType).items;
}

const Tensor* optional_value(const Tensor& optional) {
    const Container& c = container_of(optional, kOptionalType);
    return c.items.empty() ? nullptr : &c.items[0];
}

DType container_elem_type(const Tensor& container) {
    if (!is_container(container.dtype()))
        fail(ErrorCode::kInvalidArgument, "expected a sequence or optional, got a ", dtype_name(container.dtype()),
             " tensor");
    return static_cast<const Container*>(container.raw())->elem_type;
}

}  // namespace konnx
