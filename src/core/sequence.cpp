// SPDX-License-Identifier: MIT
// Sequence, optional and map values: a Tensor of kind kSequence/kOptional/kMap whose owner is a Container holding the
// items (an optional holds zero or one; a map its keys and its values, two 1-D tensors in ascending key order).
#include "konnx/sequence.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <type_traits>

#include "core/error.hpp"
#include "core/shape.hpp"
#include "konnx/string_tensor.hpp"

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

namespace {

/// t[order[0]], t[order[1]], ... of a 1-D tensor.
Tensor gather_1d(const Tensor& t, const std::vector<int64_t>& order) {
    const auto n = static_cast<int64_t>(order.size());
    if (t.dtype() == DType::kString) {
        const auto in = string_values(t);
        std::vector<std::string> out;
        out.reserve(order.size());
        for (int64_t i : order)
            out.push_back(in[static_cast<std::size_t>(i)]);
        return make_string_tensor({n}, std::move(out));
    }
    Tensor out = Tensor::empty(t.dtype(), {n});
    const std::size_t size = dtype_size(t.dtype());
    const auto* src = static_cast<const std::byte*>(t.raw());
    auto* dst = static_cast<std::byte*>(out.raw());
    for (std::size_t i = 0; i < order.size(); ++i)
        std::memcpy(dst + i * size, src + static_cast<std::size_t>(order[i]) * size, size);
    return out;
}

template <class K>
std::span<const K> key_span(const Tensor& keys) {
    if constexpr (std::is_same_v<K, std::string>)
        return string_values(keys);
    else
        return keys.span<K>();
}

/// The map of `keys` and `values` with its entries in ascending key order.
template <class K>
Tensor sorted_map(Tensor keys, Tensor values) {
    std::vector<int64_t> order(static_cast<std::size_t>(keys.dim(0)));
    std::iota(order.begin(), order.end(), int64_t{0});
    const auto less = [k = key_span<K>(keys)](int64_t a, int64_t b) {
        return k[static_cast<std::size_t>(a)] < k[static_cast<std::size_t>(b)];
    };
    if (!std::is_sorted(order.begin(), order.end(), less)) {
        std::stable_sort(order.begin(), order.end(), less);
        keys = gather_1d(keys, order);
        values = gather_1d(values, order);
    }
    const auto sorted = key_span<K>(keys);
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        fail(ErrorCode::kInvalidArgument, "a map cannot hold a key twice");
    const DType value_type = values.dtype();
    return make_container(kMapType,
                          std::make_shared<Container>(Container{value_type, {std::move(keys), std::move(values)}}));
}

}  // namespace

Tensor make_map(Tensor keys, Tensor values) {
    if (keys.rank() != 1 || (keys.dtype() != DType::kInt64 && keys.dtype() != DType::kString))
        fail(ErrorCode::kInvalidArgument, "map keys must be a 1-D int64 or string tensor, got ",
             dtype_name(keys.dtype()), " ", shape_str(keys.shape()));
    if (values.rank() != 1 || values.dim(0) != keys.dim(0) || is_container(values.dtype()) || !values.defined())
        fail(ErrorCode::kInvalidArgument, "a map needs a 1-D tensor of one value per key: ", keys.dim(0),
             " keys, values ", dtype_name(values.dtype()), " ", shape_str(values.shape()));
    if (keys.dtype() == DType::kString) return sorted_map<std::string>(std::move(keys), std::move(values));
    return sorted_map<int64_t>(std::move(keys), std::move(values));
}

Tensor make_sequence(DType elem_type, std::vector<Tensor> items) {
    if (elem_type == DType::kUndefined && !items.empty()) elem_type = items[0].dtype();
    for (const Tensor& item : items)
        if (!item.defined() || (is_container(item.dtype()) && item.dtype() != kMapType) || item.dtype() != elem_type)
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

const Tensor& map_keys(const Tensor& map) { return container_of(map, kMapType).items[0]; }

const Tensor& map_values(const Tensor& map) { return container_of(map, kMapType).items[1]; }

DType container_elem_type(const Tensor& container) {
    if (!is_container(container.dtype()))
        fail(ErrorCode::kInvalidArgument, "expected a sequence, optional or map, got a ", dtype_name(container.dtype()),
             " tensor");
    return static_cast<const Container*>(container.raw())->elem_type;
}

}  // namespace konnx
