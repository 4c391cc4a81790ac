// SPDX-License-Identifier: MIT
// Shared by If, Loop and Scan. Their output shapes are only known once a body has run, and graphs holding
// subgraphs always run in the DynamicExecutor (Plan::build declines them). So infer() declares each output's
// dtype (from the input it carries or the body's declared output) with a placeholder shape [0], and the kernel
// assigns the real tensors to its outputs (r.out(i) = result), which the DynamicExecutor then binds.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/shape.hpp"
#include "core/strings.hpp"
#include "konnx/sequence.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

/// The graph attribute `name`; fails when absent.
inline const graph::Graph& required_graph(const NodeContext& ctx, std::string_view name) {
    const graph::Graph* g = ctx.attr_graph(name);
    if (!g) ctx.fail("required graph attribute '", name, "' is missing");
    return *g;
}

/// Declares output i with `dtype` (float32 when the model does not say) and a placeholder shape.
inline void declare_control_flow_output(InferContext& ctx, std::size_t i, DType dtype) {
    if (is_container(dtype))
        ctx.set_output(i, dtype, {});
    else
        ctx.set_output(i, dtype_is_known(dtype) ? dtype : DType::kFloat32, {0});
}

/// A condition tensor's truth value: a bool (or numeric) tensor with exactly one element.
inline bool condition_value(const Tensor& t, std::string_view what) {
    if (t.numel() != 1)
        fail(ErrorCode::kInvalidArgument, what, " must hold one element, got shape ", shape_str(t.shape()));
    switch (t.dtype()) {
        case DType::kBool: return t.data<bool>()[0];
        case DType::kUInt8:
        case DType::kInt8: return t.data<uint8_t>()[0] != 0;
        case DType::kInt32: return t.data<int32_t>()[0] != 0;
        case DType::kInt64: return t.data<int64_t>()[0] != 0;
        default: fail(ErrorCode::kInvalidArgument, what, " must be bool, got ", dtype_name(t.dtype()));
    }
}

/// Slice `index` of `t` along `axis` (the axis removed), copied.
inline Tensor take_along(const Tensor& t, int64_t axis, int64_t index) {
    const auto a = static_cast<std::size_t>(axis);
    Shape shape = t.shape();
    const int64_t n = shape[a];
    const int64_t outer = product(shape, 0, a);
    const std::size_t inner = static_cast<std::size_t>(product(shape, a + 1, shape.size())) * dtype_size(t.dtype());
    shape.erase(shape.begin() + axis);
    Tensor out = Tensor::empty(t.dtype(), shape);
    const auto* src = static_cast<const std::byte*>(t.raw());
    auto* dst = static_cast<std::byte*>(out.raw());
    for (int64_t o = 0; o < outer; ++o)
        std::memcpy(dst + static_cast<std::size_t>(o) * inner, src + static_cast<std::size_t>(o * n + index) * inner,
                    inner);
    return out;
}

/// Stacks same-shaped slices along a new `axis` (0..rank); slices[k] lands at position k, or at
/// count-1-k when `reverse`. `element_shape` and `dtype` are used when there are no slices.
inline Tensor stack_along(const std::vector<Tensor>& slices, int64_t axis, bool reverse, const Shape& element_shape,
                          DType dtype) {
    const Shape& elem = slices.empty() ? element_shape : slices[0].shape();
    const DType type = slices.empty() ? dtype : slices[0].dtype();
    const auto count = static_cast<int64_t>(slices.size());
    for (const Tensor& s : slices)
        if (s.shape() != elem || s.dtype() != type)
            fail(ErrorCode::kInvalidArgument, "scan output slices differ: ", shape_str(s.shape()), " ",
                 dtype_name(s.dtype()), " vs ", shape_str(elem), " ", dtype_name(type));
    const auto a = static_cast<std::size_t>(axis);
    Shape shape = elem;
    shape.insert(shape.begin() + axis, count);
    Tensor out = Tensor::empty(type, shape);
    const int64_t outer = product(elem, 0, a);
    const std::size_t inner = static_cast<std::size_t>(product(elem, a, elem.size())) * dtype_size(type);
    auto* dst = static_cast<std::byte*>(out.raw());
    for (int64_t k = 0; k < count; ++k) {
        const auto* src = static_cast<const std::byte*>(slices[static_cast<std::size_t>(k)].raw());
        const int64_t pos = reverse ? count - 1 - k : k;
        for (int64_t o = 0; o < outer; ++o)
            std::memcpy(dst + static_cast<std::size_t>(o * count + pos) * inner,
                        src + static_cast<std::size_t>(o) * inner, inner);
    }
    return out;
}

}  // namespace konnx::ops
