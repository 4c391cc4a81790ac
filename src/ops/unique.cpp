// SPDX-License-Identifier: MIT
// Unique (ONNX opset 11): the distinct elements (or, with `axis`, distinct slices along it) of the input
// like numpy.unique: Y, then int64 first-occurrence indices, inverse indices and counts. sorted=1
// (default) orders Y ascending (slices lexicographically), sorted=0 by first occurrence. Without `axis`
// the input is flattened. All outputs depend on the data, so the result is computed with the input known.
#include <algorithm>
#include <array>
#include <functional>
#include <numeric>

#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

using UniqueTypes = TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;

std::array<Tensor, 4> compute(const NodeContext& ctx, const Tensor& x) {
    const Shape& s = x.shape();
    const bool has_axis = ctx.has_attr("axis");
    std::size_t axis = 0;
    int64_t outer = 1, dim = x.numel(), inner = 1;
    if (has_axis) {
        axis = static_cast<std::size_t>(normalize_axis(ctx.attr_int("axis", 0), static_cast<int64_t>(s.size())));
        outer = product(s, 0, axis);
        dim = s[axis];
        inner = product(s, axis + 1, s.size());
    }
    std::vector<int64_t> order(static_cast<std::size_t>(dim));
    std::iota(order.begin(), order.end(), 0);
    // -1 / 0 / 1 comparison of slices a and b.
    std::function<int(int64_t, int64_t)> compare;
    dispatch_list(UniqueTypes{}, x.dtype(), [&]<class T>() {
        const T* p = x.data<T>();
        compare = [p, outer, dim, inner](int64_t a, int64_t b) {
            for (int64_t o = 0; o < outer; ++o)
                for (int64_t i = 0; i < inner; ++i) {
                    const T va = p[(o * dim + a) * inner + i], vb = p[(o * dim + b) * inner + i];
                    if (va < vb) return -1;
                    if (vb < va) return 1;
                }
            return 0;
        };
    });
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare(a, b) < 0; });
    // Groups of equal slices, in sorted order; each group's first entry is its first occurrence.
    std::vector<int64_t> first, count;
    std::vector<int64_t> group_of(static_cast<std::size_t>(dim));
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k == 0 || compare(order[k - 1], order[k]) != 0) {
            first.push_back(order[k]);
            count.push_back(0);
        }
        ++count.back();
        group_of[static_cast<std::size_t>(order[k])] = static_cast<int64_t>(first.size()) - 1;
    }
    // Output position of each group.
    std::vector<int64_t> groups(first.size());
    std::iota(groups.begin(), groups.end(), 0);
    if (ctx.attr_int("sorted", 1) == 0)
        std::sort(groups.begin(), groups.end(), [&](int64_t a, int64_t b) {
            return first[static_cast<std::size_t>(a)] < first[static_cast<std::size_t>(b)];
        });
    std::vector<int64_t> position(groups.size());
    for (std::size_t k = 0; k < groups.size(); ++k)
        position[static_cast<std::size_t>(groups[k])] = static_cast<int64_t>(k);
    const auto n = static_cast<int64_t>(groups.size());
    Shape yshape = has_axis ? s : Shape{};
    if (has_axis)
        yshape[axis] = n;
    else
        yshape = {n};
    Tensor y = Tensor::empty(x.dtype(), yshape);
    std::vector<int64_t> indices(groups.size()), counts(groups.size()), inverse(static_cast<std::size_t>(dim));
    const std::size_t block = static_cast<std::size_t>(inner) * dtype_size(x.dtype());
    for (std::size_t k = 0; k < groups.size(); ++k) {
        const auto g = static_cast<std::size_t>(groups[k]);
        indices[k] = first[g];
        counts[k] = count[g];
        for (int64_t o = 0; o < outer; ++o)
            if (block)
                std::memcpy(
                    static_cast<std::byte*>(y.raw()) + static_cast<std::size_t>(o * n) * block + k * block,
                    static_cast<const std::byte*>(x.raw()) + static_cast<std::size_t>(o * dim + first[g]) * block,
                    block);
    }
    for (std::size_t j = 0; j < inverse.size(); ++j)
        inverse[j] = position[static_cast<std::size_t>(group_of[j])];
    return {y, Tensor::from_vector<int64_t>({n}, indices), Tensor::from_vector<int64_t>({dim}, inverse),
            Tensor::from_vector<int64_t>({n}, counts)};
}

void infer(InferContext& ctx) {
    auto outputs = compute(ctx, ctx.require_value(0));
    for (std::size_t i = 0; i < 4; ++i)
        if (ctx.has_output(i)) ctx.set_output_value(i, std::move(outputs[i]));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([&node = init.node(), opset = init.opset()](const KernelRun& r) {
        std::vector<ValueFacts> facts{{r.in(0).dtype(), r.in(0).shape(), &r.in(0)}};
        const NodeContext ctx(node, opset, facts);
        const auto outputs = compute(ctx, r.in(0));
        for (std::size_t i = 0; i < 4; ++i)
            if (r.has_out(i)) copy_bytes(outputs[i], r.out(i));
    });
}

}  // namespace

void register_unique(OpRegistry& registry) {
    registry.add({.name = "Unique", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
