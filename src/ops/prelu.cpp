// SPDX-License-Identifier: MIT
// PRelu (ONNX opsets 6, 7, 9, 16): y = x for x >= 0, slope * x otherwise. Since opset 7 slope broadcasts to x
// unidirectionally (numpy rules, the result must have x's shape). Opset 6 predates that: a slope of one element is
// shared, and a 1-D slope of x's channel count (axis 1) is per channel, as PyTorch's exporter emits it.
// Types: float, double, float16, bfloat16; int32, int64, uint32, uint64 since opset 9 (wrapping products).
#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

using PReluTypes = TypeList<float, double, Float16, BFloat16, int32_t, int64_t, uint32_t, uint64_t>;

// The shape slope is read with.
Shape slope_shape(const NodeContext& ctx) {
    ctx.check(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1), "expects 2 inputs");
    const Shape& x = ctx.input_shape(0);
    const Shape& s = ctx.input_shape(1);
    if (ctx.opset() < 7 && s.size() == 1 && x.size() >= 2 && s[0] == x[1] && s[0] != 1) {
        Shape out(x.size() - 1, 1);
        out[0] = s[0];
        return out;
    }
    return s;
}

void infer(InferContext& ctx) {
    const Shape s = slope_shape(ctx);
    check_same_dtype(ctx, 1);
    check_dtype_in<PReluTypes>(ctx, 0);
    Shape b;
    try {
        b = broadcast_shapes(ctx.input_shape(0), s);
    } catch (const Error& e) {
        ctx.fail(e.what());
    }
    ctx.check(b == ctx.input_shape(0), "slope ", shape_str(ctx.input_shape(1)), " does not broadcast to X ",
              shape_str(ctx.input_shape(0)));
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([s_shape = slope_shape(init)](const KernelRun& r) {
        Tensor holder;
        const Tensor& slope = binary_b(r, s_shape, holder);
        dispatch_list(PReluTypes{}, r.in(0).dtype(), [&]<class T>() {
            map_binary<T, T, T>(r.in(0), slope, r.out(0), [](T xt, T st) {
                const auto x = widen(xt);
                using V = decltype(x);
                if constexpr (std::is_unsigned_v<V>)
                    return xt;
                else
                    return narrow<T>(select(x < V(0), wrap_mul(widen(st), x), x));
            });
        });
    });
}

}  // namespace

void register_prelu(OpRegistry& registry) {
    registry.add({.name = "PRelu", .since_version = 6, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
