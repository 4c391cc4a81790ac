// SPDX-License-Identifier: MIT
// Slice (ONNX opsets 1, 10, 11, 13): numpy-style slicing. Opset 1 reads starts/ends/axes attributes;
// from 10 they are inputs (starts, ends, axes, steps). Negative starts/ends count from the end and
// are clamped (to [0, dim] for positive steps, [-1, dim-1] for negative ones); axes may be negative.
// The kernel is a strided copy: with step 1 on the innermost axis, each row is a memcpy.
#include <algorithm>

#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

struct Params {
    Shape out;
    std::vector<int64_t> strides;  // in elements
    int64_t offset = 0;            // in elements
};

Params params(const NodeContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    const auto rank = static_cast<int64_t>(in.size());
    std::vector<int64_t> starts, ends, axes, steps;
    if (ctx.opset() < 10) {
        starts = ctx.attr_ints("starts");
        ends = ctx.attr_ints("ends");
        axes = ctx.attr_ints("axes");
    } else {
        starts = int_values(ctx.require_value(1));
        ends = int_values(ctx.require_value(2));
        if (ctx.has_input(3)) axes = int_values(ctx.require_value(3));
        if (ctx.has_input(4)) steps = int_values(ctx.require_value(4));
    }
    ctx.check(starts.size() == ends.size(), "starts and ends have different lengths");
    if (axes.empty())
        for (std::size_t i = 0; i < starts.size(); ++i)
            axes.push_back(static_cast<int64_t>(i));
    if (steps.empty()) steps.assign(starts.size(), 1);
    ctx.check(axes.size() == starts.size() && steps.size() == starts.size(),
              "starts, ends, axes and steps have different lengths");
    Params p;
    p.out = in;
    const auto in_strides = strides_of(in);
    p.strides = in_strides;
    std::vector<bool> seen(in.size());
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const auto axis = axis_index(ctx, axes[i], rank);
        ctx.check(!seen[axis], "axis ", axes[i], " repeats");
        seen[axis] = true;
        const int64_t dim = in[axis], step = steps[i];
        ctx.check(step != 0, "step must not be 0");
        auto clamp = [&](int64_t v, int64_t lo, int64_t hi) { return std::clamp(v < 0 ? v + dim : v, lo, hi); };
        int64_t start, end;
        if (step > 0) {
            start = clamp(starts[i], 0, dim);
            end = clamp(ends[i], 0, dim);
        } else {
            start = clamp(starts[i], -1, dim - 1);
            end = clamp(ends[i], -1, dim - 1);
        }
        int64_t count = 0;
        if (step > 0 && end > start) count = (end - start + step - 1) / step;
        if (step < 0 && start > end) count = (start - end + (-step) - 1) / (-step);
        p.out[axis] = count;
        p.strides[axis] = in_strides[axis] * step;
        if (count > 0) p.offset += start * in_strides[axis];
    }
    return p;
}

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    ctx.set_output(0, ctx.input_dtype(0), params(ctx).out);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([p = params(init)](const KernelRun& r) {
        const std::size_t esize = dtype_size(r.in(0).dtype());
        if (r.out(0).numel() == 0) return;
        strided_copy(static_cast<const std::byte*>(r.in(0).raw()) + p.offset * static_cast<int64_t>(esize),
                     r.out(0).raw(), esize, p.out, p.strides);
    });
}

}  // namespace

void register_slice(OpRegistry& registry) {
    registry.add({.name = "Slice", .since_version = 1, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
