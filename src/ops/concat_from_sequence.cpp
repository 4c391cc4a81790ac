// SPDX-License-Identifier: MIT
// ConcatFromSequence (ONNX opset 11): concatenates a sequence's tensors along `axis` (required), or stacks them
// along a new axis at `axis` when new_axis = 1 (axis may then be in [-r - 1, r]). The items must agree on every
// other dimension; an empty sequence is an error (its result's shape is unknown).
#include <cstring>

#include "core/shape.hpp"
#include "ops/support/sequence.hpp"

namespace konnx::ops {
namespace {

struct Layout {
    int64_t axis = 0;  // in the output
    bool new_axis = false;
    Shape shape;  // of the output
};

Layout layout_of(int64_t axis, bool new_axis, const std::vector<Tensor>& items) {
    if (items.empty()) fail(ErrorCode::kInvalidArgument, "cannot concatenate an empty sequence");
    Layout l;
    l.new_axis = new_axis;
    const Shape& first = items[0].shape();
    const auto rank = static_cast<int64_t>(first.size());
    l.axis = normalize_axis(axis, l.new_axis ? rank + 1 : rank);
    l.shape = first;
    if (l.new_axis) l.shape.insert(l.shape.begin() + l.axis, 0);
    const auto a = static_cast<std::size_t>(l.axis);
    l.shape[a] = 0;
    for (const Tensor& t : items) {
        bool same = t.dtype() == items[0].dtype() && t.rank() == first.size();
        for (std::size_t d = 0; same && d < first.size(); ++d)
            same = t.shape()[d] == first[d] || (!l.new_axis && d == a);
        if (!same)
            fail(ErrorCode::kInvalidArgument, "sequence items ", dtype_name(t.dtype()), " ", shape_str(t.shape()),
                 " and ", dtype_name(items[0].dtype()), " ", shape_str(first), " cannot be concatenated on axis ",
                 l.axis);
        l.shape[a] += l.new_axis ? 1 : t.shape()[a];
    }
    return l;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1, "expects 1 input");
    const auto& items = sequence_input(ctx, 0);
    const Layout l = layout_of(ctx.attr_int("axis"), ctx.attr_int("new_axis", 0) != 0, items);
    ctx.set_output(0, items[0].dtype(), l.shape);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([axis = init.attr_int("axis"),
                        new_axis = init.attr_int("new_axis", 0) != 0](const KernelRun& r) {
        const auto& items = sequence_items(r.in(0));
        const Layout l = layout_of(axis, new_axis, items);
        Tensor& y = r.out(0);
        const auto a = static_cast<std::size_t>(l.axis);
        const int64_t outer = product(l.shape, 0, a);
        const std::size_t out_row =
            static_cast<std::size_t>(product(l.shape, a, l.shape.size())) * dtype_size(y.dtype());
        auto* dst = static_cast<std::byte*>(y.raw());
        std::size_t offset = 0;  // of the current item's block within an output row
        for (const Tensor& t : items) {
            const std::size_t row = static_cast<std::size_t>(product(t.shape(), a, t.rank())) * dtype_size(t.dtype());
            const auto* src = static_cast<const std::byte*>(t.raw());
            for (int64_t o = 0; o < outer && row; ++o)
                std::memcpy(dst + static_cast<std::size_t>(o) * out_row + offset,
                            src + static_cast<std::size_t>(o) * row, row);
            offset += row;
        }
    });
}

}  // namespace

void register_concat_from_sequence(OpRegistry& registry) {
    registry.add({.name = "ConcatFromSequence", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
