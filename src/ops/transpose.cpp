// SPDX-License-Identifier: MIT
// Transpose (ONNX opsets 1, 13): permutes axes; `perm` defaults to reversing them.
// The kernel is a strided copy on element size, so runs that stay contiguous are memcpy'd.
#include <algorithm>
#include <numeric>

#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

std::vector<int64_t> permutation(const NodeContext& ctx) {
    const int64_t rank = ctx.input_rank(0);
    std::vector<int64_t> perm(static_cast<std::size_t>(rank));
    std::iota(perm.rbegin(), perm.rend(), 0);
    if (!ctx.has_attr("perm")) return perm;
    perm = ctx.attr_ints("perm");
    ctx.check(static_cast<int64_t>(perm.size()) == rank, "perm has ", perm.size(), " entries for rank ", rank);
    std::vector<bool> seen(static_cast<std::size_t>(rank));
    for (auto& p : perm) {
        if (p < 0) p += rank;
        ctx.check(p >= 0 && p < rank && !seen[static_cast<std::size_t>(p)], "perm is not a permutation");
        seen[static_cast<std::size_t>(p)] = true;
    }
    return perm;
}

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    const auto perm = permutation(ctx);
    Shape out;
    for (int64_t p : perm)
        out.push_back(ctx.input_shape(0)[static_cast<std::size_t>(p)]);
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto perm = permutation(init);
    const auto in_strides = strides_of(init.input_shape(0));
    std::vector<int64_t> strides;
    for (int64_t p : perm)
        strides.push_back(in_strides[static_cast<std::size_t>(p)]);
    return make_kernel([strides](const KernelRun& r) {
        strided_copy(r.in(0).raw(), r.out(0).raw(), dtype_size(r.in(0).dtype()), r.out(0).shape(), strides);
    });
}

}  // namespace

void register_transpose(OpRegistry& registry) {
    registry.add(
        {.name = "Transpose", .since_version = 1, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
