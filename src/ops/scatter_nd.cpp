// SPDX-License-Identifier: MIT
// ScatterND (ONNX opsets 11, 13, 16, 18): out = copy of data; for each index tuple t (indices' last axis,
// length q), the slice out[t] (shape data.shape[q:]) is replaced by (or, opset 16+, combined by add/mul,
// 18: max/min with) the matching slice of updates. updates.shape = indices.shape[:-1] + data.shape[q:].
#include "ops/support/tensor_scatter.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    scatter_reduction(ctx);
    ctx.check(ctx.input_dtype(1) == DType::kInt64, "indices must be int64");
    ctx.check(ctx.input_dtype(2) == ctx.input_dtype(0), "updates must have the data's type");
    const Shape& data = ctx.input_shape(0);
    const Shape& idx = ctx.input_shape(1);
    ctx.check(!idx.empty(), "indices must have rank >= 1");
    const int64_t q = idx.back();
    ctx.check(q >= 0 && static_cast<std::size_t>(q) <= data.size(), "indices' last dim ", q, " is too large");
    Shape expect(idx.begin(), idx.end() - 1);
    expect.insert(expect.end(), data.begin() + q, data.end());
    ctx.check(ctx.input_shape(2) == expect, "updates must have shape ", shape_str(expect), ", got ",
              shape_str(ctx.input_shape(2)));
    ctx.set_output(0, ctx.input_dtype(0), data);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([reduction = scatter_reduction(init)](const KernelRun& r) {
        const Tensor& data = r.in(0);
        const Tensor& indices = r.in(1);
        const Tensor& updates = r.in(2);
        copy_bytes(data, r.out(0));
        const Shape& ds = data.shape();
        const auto q = static_cast<std::size_t>(indices.shape().back());
        const auto dstrides = strides_of(ds);
        const int64_t block = product(ds, q, ds.size());
        const int64_t tuples = product(indices.shape(), 0, indices.rank() - 1);
        const int64_t* idx = indices.data<int64_t>();
        scatter_dispatch(data.dtype(), reduction, [&]<class T>() {
            T* out = r.out(0).data<T>();
            const T* upd = updates.data<T>();
            for (int64_t t = 0; t < tuples; ++t) {
                int64_t off = 0;
                for (std::size_t k = 0; k < q; ++k)
                    off += wrap_index(idx[t * static_cast<int64_t>(q) + static_cast<int64_t>(k)], ds[k]) * dstrides[k];
                for (int64_t e = 0; e < block; ++e)
                    scatter_combine(out[off + e], upd[t * block + e], reduction);
            }
        });
    });
}

}  // namespace

void register_scatter_nd(OpRegistry& registry) {
    registry.add({.name = "ScatterND", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
