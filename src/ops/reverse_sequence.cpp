// SPDX-License-Identifier: MIT
// ReverseSequence (ONNX opset 10): for each batch entry b (along batch_axis, default 1), reverses the
// first sequence_lens[b] elements along time_axis (default 0); the rest are copied unchanged.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    const Shape& in = ctx.input_shape(0);
    ctx.check(in.size() >= 2, "input must have rank >= 2");
    const int64_t batch = ctx.attr_int("batch_axis", 1), time = ctx.attr_int("time_axis", 0);
    ctx.check((batch == 0 && time == 1) || (batch == 1 && time == 0), "batch_axis and time_axis must be 0 and 1");
    ctx.check(ctx.input_shape(1) == Shape{in[static_cast<std::size_t>(batch)]}, "sequence_lens must have shape [",
              in[static_cast<std::size_t>(batch)], "]");
    ctx.set_output(0, ctx.input_dtype(0), in);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([batch_axis = init.attr_int("batch_axis", 1)](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const Shape& s = x.shape();
        const auto lens = int_values(r.in(1));
        const int64_t batches = s[static_cast<std::size_t>(batch_axis)], steps = s[batch_axis == 0 ? 1 : 0];
        const std::size_t block = static_cast<std::size_t>(product(s, 2, s.size())) * dtype_size(x.dtype());
        // Offset of (time t, batch b) in blocks.
        auto at = [&](int64_t t, int64_t b) { return batch_axis == 1 ? t * batches + b : b * steps + t; };
        const auto* src = static_cast<const std::byte*>(x.raw());
        auto* dst = static_cast<std::byte*>(r.out(0).raw());
        if (block == 0) return;
        for (int64_t b = 0; b < batches; ++b) {
            const int64_t len = lens[static_cast<std::size_t>(b)];
            if (len < 0 || len > steps)
                fail(ErrorCode::kInvalidArgument, "sequence length ", len, " is out of range [0, ", steps, "]");
            for (int64_t t = 0; t < steps; ++t) {
                const int64_t from = t < len ? len - 1 - t : t;
                std::memcpy(dst + static_cast<std::size_t>(at(t, b)) * block,
                            src + static_cast<std::size_t>(at(from, b)) * block, block);
            }
        }
    });
}

}  // namespace

void register_reverse_sequence(OpRegistry& registry) {
    registry.add({.name = "ReverseSequence", .since_version = 10, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
