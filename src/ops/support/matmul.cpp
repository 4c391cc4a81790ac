// SPDX-License-Identifier: MIT
#include "ops/support/matmul.hpp"

namespace konnx::ops {

MatMulShape matmul_shape(const NodeContext& ctx, std::size_t a_input, std::size_t b_input) {
    MatMulShape s;
    s.a = ctx.input_shape(a_input);
    s.b = ctx.input_shape(b_input);
    ctx.check(!s.a.empty() && !s.b.empty(), "matmul inputs must have rank >= 1");
    const bool a_vector = s.a.size() == 1, b_vector = s.b.size() == 1;
    if (a_vector) s.a.insert(s.a.begin(), 1);
    if (b_vector) s.b.push_back(1);
    while (s.a.size() < s.b.size())
        s.a.insert(s.a.begin(), 1);
    while (s.b.size() < s.a.size())
        s.b.insert(s.b.begin(), 1);
    const std::size_t r = s.a.size();
    s.m = s.a[r - 2], s.k = s.a[r - 1], s.n = s.b[r - 1];
    ctx.check(s.b[r - 2] == s.k, "inner dimensions differ: A ", shape_str(ctx.input_shape(a_input)), " and B ",
              shape_str(ctx.input_shape(b_input)));
    try {
        s.y = broadcast_shapes(std::span(s.a).first(r - 2), std::span(s.b).first(r - 2));
    } catch (const Error& e) {
        ctx.fail("batch dims do not broadcast: ", e.what());
    }
    s.y.push_back(s.m);
    s.y.push_back(s.n);
    s.out = s.y;
    if (b_vector) s.out.erase(s.out.end() - 1);
    if (a_vector) s.out.erase(s.out.end() - (b_vector ? 1 : 2));
    return s;
}

OpCost matmul_cost(const KernelInit& init, bool transposed_a) {
    if (!init.has_input(0) || init.input_shape(0).empty() || init.num_outputs() == 0) return {};
    const Shape& a = init.input_shape(0);
    const int64_t k = transposed_a && a.size() == 2 ? a[0] : a.back();
    const double y = element_count(init.output_shape(0));
    // A batch-1 Dense layer reads every weight once for one multiply-add: MobileNetV2's 1280x1000
    // classifier streams 5 MB for 2.6 MFLOP, and two cores read it faster than one.
    const double streamed = element_count(a) + (init.has_input(1) ? element_count(init.input_shape(1)) : 0) + y;
    return {2 * y * static_cast<double>(std::max<int64_t>(k, 0)), streamed};
}

}  // namespace konnx::ops
