// SPDX-License-Identifier: MIT
// GatherElements (ONNX opsets 11, 13): out[i] = data[i with i[axis] replaced by indices[i]]; the output
// has the indices' shape (which may be smaller than data's on any axis). Negative indices wrap.
#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    const DType it = ctx.input_dtype(1);
    ctx.check(it == DType::kInt32 || it == DType::kInt64, "indices must be int32 or int64");
    ctx.check(ctx.input_rank(0) == ctx.input_rank(1), "data and indices must have the same rank");
    normalize_axis(ctx.attr_int("axis", 0), ctx.input_rank(0));
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(1));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto axis = static_cast<std::size_t>(normalize_axis(init.attr_int("axis", 0), init.input_rank(0)));
    return make_kernel([axis](const KernelRun& r) {
        const Tensor& data = r.in(0);
        const Tensor& indices = r.in(1);
        const Shape& ishape = indices.shape();
        const auto dstrides = strides_of(data.shape());
        const int64_t dim = data.shape()[axis];
        const int64_t inner = product(ishape, axis + 1, ishape.size());
        const int64_t count = ishape[axis];
        const int64_t outer = product(ishape, 0, axis);
        dispatch_index(indices.dtype(), [&]<class I>() {
            dispatch_by_size(dtype_size(data.dtype()), [&]<class T>() {
                const T* src = data.data<T>();
                T* dst = r.out(0).data<T>();
                const I* idx = indices.data<I>();
                const auto rank = ishape.size();
                for (int64_t k = 0; k < indices.numel(); ++k)
                    wrap_index(idx[k], dim);  // validate before the parallel loop (no throwing inside)
                // Outer index (over axes before `axis`) to a data offset.
                parallel_for(outer, 1, [&](int64_t b, int64_t e) {
                    for (int64_t o = b; o < e; ++o) {
                        int64_t rest = o, base = 0;
                        for (std::size_t d = axis; d-- > 0;) {
                            base += (rest % ishape[d]) * dstrides[d];
                            rest /= ishape[d];
                        }
                        for (int64_t c = 0; c < count; ++c) {
                            for (int64_t in = 0; in < inner; ++in) {
                                // inner position -> data offset over axes after `axis`
                                int64_t rem = in, off = 0;
                                for (std::size_t d = rank; d-- > axis + 1;) {
                                    off += (rem % ishape[d]) * dstrides[d];
                                    rem /= ishape[d];
                                }
                                const int64_t k = (o * count + c) * inner + in;
                                const int64_t i = idx[k] < 0 ? idx[k] + dim : idx[k];
                                dst[k] = src[base + i * dstrides[axis] + off];
                            }
                        }
                    }
                });
            });
        });
    });
}

}  // namespace

void register_gather_elements(OpRegistry& registry) {
    registry.add({.name = "GatherElements", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
