// SPDX-License-Identifier: MIT
// GatherND (ONNX opsets 11, 12, 13): indices' last axis (length q) indexes the data's axes after the
// first `batch_dims` (opset 12), which indices and data share. Output shape:
// indices.shape[:-1] + data.shape[batch_dims + q:]. Each gathered slice is one memcpy.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    ctx.check(ctx.input_dtype(1) == DType::kInt64, "indices must be int64");
    const Shape& data = ctx.input_shape(0);
    const Shape& idx = ctx.input_shape(1);
    const int64_t b = ctx.attr_int("batch_dims", 0);
    ctx.check(!idx.empty() && !data.empty(), "data and indices must have rank >= 1");
    ctx.check(b >= 0 && b < static_cast<int64_t>(std::min(data.size(), idx.size())), "invalid batch_dims ", b);
    const auto bd = static_cast<std::size_t>(b);
    for (std::size_t d = 0; d < bd; ++d)
        ctx.check(data[d] == idx[d], "batch dims of data and indices differ");
    const int64_t q = idx.back();
    ctx.check(q >= 0 && static_cast<std::size_t>(q) + bd <= data.size(), "indices' last dim ", q, " is too large");
    Shape out(idx.begin(), idx.end() - 1);
    out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(bd + static_cast<std::size_t>(q)), data.end());
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto bd = static_cast<std::size_t>(init.attr_int("batch_dims", 0));
    return make_kernel([bd](const KernelRun& r) {
        const Tensor& data = r.in(0);
        const Tensor& indices = r.in(1);
        const Shape& ds = data.shape();
        const auto q = static_cast<std::size_t>(indices.shape().back());
        const auto dstrides = strides_of(ds);
        const std::size_t esize = dtype_size(data.dtype());
        const int64_t batches = product(ds, 0, bd);
        const int64_t per_batch = product(indices.shape(), bd, indices.rank() - 1);  // index tuples per batch
        const int64_t batch_stride = bd ? dstrides[bd - 1] : product(ds);
        const auto block = static_cast<std::size_t>(product(ds, bd + q, ds.size())) * esize;
        const int64_t* idx = indices.data<int64_t>();
        const auto* src = static_cast<const std::byte*>(data.raw());
        auto* dst = static_cast<std::byte*>(r.out(0).raw());
        for (int64_t bi = 0; bi < batches; ++bi) {
            for (int64_t t = 0; t < per_batch; ++t) {
                const int64_t* tuple = idx + (bi * per_batch + t) * static_cast<int64_t>(q);
                int64_t off = bi * batch_stride;
                for (std::size_t k = 0; k < q; ++k)
                    off += wrap_index(tuple[k], ds[bd + k]) * dstrides[bd + k];
                if (block)
                    std::memcpy(dst + static_cast<std::size_t>(bi * per_batch + t) * block,
                                src + static_cast<std::size_t>(off) * esize, block);
            }
        }
    });
}

}  // namespace

void register_gather_nd(OpRegistry& registry) {
    registry.add({.name = "GatherND", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
