// SPDX-License-Identifier: MIT
// CenterCropPad (ONNX opset 18): crops or zero-pads input_data to the sizes in input `shape` along `axes`
// (default: every axis; negative ones count from the back), centered: an odd crop margin leaves the extra
// element on the right (the window starts at floor((dim - size) / 2)), an odd pad puts the extra zero on the right.
// Kernel: per output row, the rows of the source window are copied (one memcpy along the innermost axis).
#include <algorithm>
#include <cstring>

#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

// Per axis: output size and offset of output index 0 in the input (negative = that many leading zeros).
struct Window {
    Shape out;
    std::vector<int64_t> offset;
};

Window window(const NodeContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    const auto rank = static_cast<int64_t>(in.size());
    ctx.check(ctx.input_rank(1) == 1, "shape must be a 1-D tensor, got rank ", ctx.input_rank(1));
    const auto sizes = int_values(ctx.require_value(1));
    std::vector<int64_t> axes = ctx.attr_ints("axes");
    if (!ctx.has_attr("axes"))
        for (int64_t a = 0; a < rank; ++a)
            axes.push_back(a);
    ctx.check(sizes.size() == axes.size(), "shape has ", sizes.size(), " entries for ", axes.size(), " axes");
    Window w{in, std::vector<int64_t>(in.size(), 0)};
    std::vector<bool> seen(in.size(), false);
    for (std::size_t k = 0; k < axes.size(); ++k) {
        const std::size_t a = axis_index(ctx, axes[k], rank);
        ctx.check(!seen[a], "axis ", axes[k], " is listed twice");
        seen[a] = true;
        ctx.check(sizes[k] >= 0, "shape entry ", k, " is negative (", sizes[k], ")");
        w.out[a] = sizes[k];
        w.offset[a] = in[a] >= sizes[k] ? (in[a] - sizes[k]) / 2 : -((sizes[k] - in[a]) / 2);
    }
    checked_numel(w.out);
    return w;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 2, "expects 2 inputs (input_data, shape)");
    check_movable(ctx, ctx.input_dtype(0));
    ctx.set_output(0, ctx.input_dtype(0), window(ctx).out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([w = window(init), in_shape = init.input_shape(0)](const KernelRun& r) {
        const std::size_t esize = dtype_size(r.in(0).dtype()), rank = in_shape.size();
        auto* out = static_cast<std::byte*>(r.out(0).raw());
        const auto* in = static_cast<const std::byte*>(r.in(0).raw());
        if (r.out(0).nbytes()) std::memset(out, 0, r.out(0).nbytes());
        if (rank == 0) {
            std::memcpy(out, in, esize);
            return;
        }
        const auto in_strides = strides_of(in_shape);
        const int64_t inner = w.out[rank - 1], rows = inner ? product(w.out) / inner : 0;
        // The innermost axis: the output columns [lo, hi) read input columns from lo + offset.
        const int64_t off = w.offset[rank - 1];
        const int64_t lo = std::max<int64_t>(0, -off), hi = std::min(inner, in_shape[rank - 1] - off);
        if (hi <= lo) return;
        parallel_for(rows, 64, [&](int64_t begin, int64_t end) {
            for (int64_t row = begin; row < end; ++row) {
                int64_t src = 0, rest = row;
                bool inside = true;
                for (std::size_t d = rank - 1; d-- > 0;) {
                    const int64_t i = rest % w.out[d] + w.offset[d];
                    rest /= w.out[d];
                    inside = inside && i >= 0 && i < in_shape[d];
                    src += i * in_strides[d];
                }
                if (!inside) continue;
                std::memcpy(out + (row * inner + lo) * esize, in + (src + lo + off) * esize,
                            static_cast<std::size_t>(hi - lo) * esize);
            }
        });
    });
}

}  // namespace

void register_center_crop_pad(OpRegistry& registry) {
    registry.add({.name = "CenterCropPad", .since_version = 18, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
