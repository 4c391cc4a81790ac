// SPDX-License-Identifier: MIT
// Shape (ONNX opsets 1, 13, 15): the input's dims as int64; opset 15 adds start/end slicing.
// The value is known at plan time, so the planner folds it (and everything computed from it).
#include <algorithm>

#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

Tensor shape_value(const NodeContext& ctx) {
    const Shape& shape = ctx.input_shape(0);
    const auto rank = static_cast<int64_t>(shape.size());
    auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
    const int64_t start = clamp(ctx.attr_int("start", 0));
    const int64_t end = clamp(ctx.attr_int("end", rank));
    std::vector<int64_t> dims(shape.begin() + start, shape.begin() + std::max(start, end));
    return Tensor::from_vector<int64_t>({static_cast<int64_t>(dims.size())}, dims);
}

void infer(InferContext& ctx) { ctx.set_output_value(0, shape_value(ctx)); }

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([start = init.attr_int("start", 0)](const KernelRun& r) {
        const Shape& shape = r.in(0).shape();
        const auto rank = static_cast<int64_t>(shape.size());
        const int64_t first = std::clamp(start < 0 ? start + rank : start, int64_t{0}, rank);
        std::copy_n(shape.begin() + first, r.out(0).numel(), r.out(0).data<int64_t>());
    });
}

}  // namespace

void register_shape(OpRegistry& registry) {
    registry.add({.name = "Shape", .since_version = 1, .infer = infer, .make_kernel = make, .strings = true});
}

}  // namespace konnx::ops
