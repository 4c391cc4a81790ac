// SPDX-License-Identifier: MIT
// Gather (ONNX opsets 1, 11, 13): out = data indexed along `axis` by int32/int64 indices (negative
// ones count from the end, opset 11). Output shape: data[:axis] + indices.shape + data[axis+1:].
// Each gathered slice is a contiguous block, copied with memcpy; string tensors (e.g. the column a scikit-learn
// ColumnTransformer picks from a string input) element by element.
#include "core/parallel.hpp"
#include "konnx/string_tensor.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

void infer(InferContext& ctx) {
    if (ctx.input_dtype(0) != DType::kString) check_movable(ctx, ctx.input_dtype(0));
    const DType it = ctx.input_dtype(1);
    ctx.check(it == DType::kInt32 || it == DType::kInt64, "indices must be int32 or int64");
    const Shape& data = ctx.input_shape(0);
    const auto axis = axis_index(ctx, ctx.attr_int("axis", 0), ctx.input_rank(0));
    Shape out(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(axis));
    const Shape& idx = ctx.input_shape(1);
    out.insert(out.end(), idx.begin(), idx.end());
    out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(axis) + 1, data.end());
    checked_numel(out);
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

void gather_strings(const Tensor& data, const Tensor& indices, int64_t axis, Tensor& out) {
    const auto src = string_values(data);
    const auto dst = mutable_string_values(out);
    const int64_t n = indices.numel(), dim = data.shape()[static_cast<std::size_t>(axis)];
    const int64_t outer = product(data.shape(), 0, axis), inner = product(data.shape(), axis + 1, data.rank());
    dispatch_index(indices.dtype(), [&]<class I>() {
        const I* idx = indices.data<I>();
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t j = 0; j < n; ++j) {
                const int64_t i = wrap_index(idx[j], dim);
                for (int64_t k = 0; k < inner; ++k)
                    dst[static_cast<std::size_t>((o * n + j) * inner + k)] =
                        src[static_cast<std::size_t>((o * dim + i) * inner + k)];
            }
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const auto axis = axis_index(init, init.attr_int("axis", 0), init.input_rank(0));
    return make_kernel([axis](const KernelRun& r) {
        const Tensor& data = r.in(0);
        const Tensor& indices = r.in(1);
        const int64_t outer = product(data.shape(), 0, axis);
        const int64_t dim = data.shape()[axis];
        if (data.dtype() == DType::kString) return gather_strings(data, indices, axis, r.out(0));
        const auto block =
            static_cast<std::size_t>(product(data.shape(), axis + 1, data.rank())) * dtype_size(data.dtype());
        const int64_t n = indices.numel();
        const auto* src = static_cast<const std::byte*>(data.raw());
        auto* dst = static_cast<std::byte*>(r.out(0).raw());
        if (block == 0 || r.out(0).numel() == 0) return;
        dispatch_index(indices.dtype(), [&]<class I>() {
            const I* idx = indices.data<I>();
            for (int64_t j = 0; j < n; ++j)
                wrap_index(idx[j], dim);  // validate once, outside the parallel loop
            if (block == 1 || block == 2 || block == 4 || block == 8) {
                // One element per index (e.g. gathering from a 1-D table): a typed loop, not memcpy calls.
                dispatch_by_size(block, [&]<class T>() {
                    const T* s = reinterpret_cast<const T*>(src);
                    T* d = reinterpret_cast<T*>(dst);
                    parallel_for(outer * n, 1 << 14, [&](int64_t b, int64_t e) {
                        for (int64_t k = b; k < e; ++k) {
                            const int64_t o = k / n, j = k % n;
                            d[k] = s[o * dim + (idx[j] < 0 ? idx[j] + dim : idx[j])];
                        }
                    });
                });
                return;
            }
            parallel_for(outer * n, std::max<int64_t>(1, (1 << 16) / static_cast<int64_t>(block)),
                         [&](int64_t b, int64_t e) {
                             for (int64_t k = b; k < e; ++k) {
                                 const int64_t o = k / n, j = k % n;
                                 const int64_t i = idx[j] < 0 ? idx[j] + dim : idx[j];
                                 std::memcpy(dst + static_cast<std::size_t>(k) * block,
                                             src + static_cast<std::size_t>(o * dim + i) * block, block);
                             }
                         });
        });
    });
}

}  // namespace

void register_gather(OpRegistry& registry) {
    registry.add({.name = "Gather",
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = streaming_cost,
                  .strings = true});
}

}  // namespace konnx::ops
