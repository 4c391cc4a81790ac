// SPDX-License-Identifier: MIT
// Trilu (ONNX opset 14): keeps the upper (upper=1, default: j - i >= k) or lower (j - i <= k) triangle of
// the last two axes and zeroes the rest; k is the optional int64 scalar input 1 (default 0).
#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    ctx.check(ctx.input_rank(0) >= 2, "input must have rank >= 2");
    if (ctx.has_input(1))
        ctx.check(ctx.input_value(1) == nullptr || ctx.input_value(1)->numel() == 1, "k must be a scalar");
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([upper = init.attr_int("upper", 1) != 0](const KernelRun& r) {
        int64_t k = 0;
        if (r.has_in(1)) {
            const auto v = int_values(r.in(1));
            if (v.size() != 1) fail(ErrorCode::kInvalidArgument, "k must be a scalar");
            k = v[0];
        }
        const Shape& s = r.in(0).shape();
        const int64_t rows = s[s.size() - 2], cols = s[s.size() - 1];
        const int64_t mats = product(s, 0, s.size() - 2);
        dispatch_by_size(dtype_size(r.in(0).dtype()), [&]<class T>() {
            const T* src = r.in(0).data<T>();
            T* dst = r.out(0).data<T>();
            parallel_for(mats * rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(cols, 1)),
                         [&](int64_t b, int64_t e) {
                             for (int64_t row = b; row < e; ++row) {
                                 const int64_t i = row % rows;
                                 // Kept columns: upper j >= i + k, lower j <= i + k.
                                 const int64_t lo = upper ? std::clamp<int64_t>(i + k, 0, cols) : 0;
                                 const int64_t hi = upper ? cols : std::clamp<int64_t>(i + k + 1, 0, cols);
                                 const T* sr = src + row * cols;
                                 T* dr = dst + row * cols;
                                 for (int64_t j = 0; j < cols; ++j)
                                     dr[j] = j >= lo && j < hi ? sr[j] : T(0);
                             }
                         });
        });
    });
}

}  // namespace

void register_trilu(OpRegistry& registry) {
    registry.add({.name = "Trilu", .since_version = 14, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
