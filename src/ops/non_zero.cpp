// SPDX-License-Identifier: MIT
// NonZero (ONNX opsets 9, 13): the indices of the non-zero elements, as int64 [rank, count] in row-major
// order (numpy.nonzero stacked). The count depends on the data, so the input must be known: the
// planner runs graphs with a runtime NonZero in dynamic mode.
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

// Non-zero flags of every element (-0.0 counts as zero, NaN as non-zero).
std::vector<bool> nonzero_flags(const Tensor& x) {
    std::vector<bool> flags(static_cast<std::size_t>(x.numel()));
    if (x.dtype() == DType::kFloat16 || x.dtype() == DType::kBFloat16) {
        const auto* bits = x.data<uint16_t>();
        for (std::size_t i = 0; i < flags.size(); ++i)
            flags[i] = (bits[i] & 0x7fffu) != 0;
        return flags;
    }
    dispatch_list(
        TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t, bool>{},
        x.dtype(), [&]<class T>() {
            const T* p = x.data<T>();
            for (std::size_t i = 0; i < flags.size(); ++i)
                flags[i] = p[i] != T(0);
        });
    return flags;
}

void infer(InferContext& ctx) {
    const auto flags = nonzero_flags(ctx.require_value(0));
    const auto count = static_cast<int64_t>(std::count(flags.begin(), flags.end(), true));
    ctx.set_output(0, DType::kInt64, {ctx.input_rank(0), count});
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const auto flags = nonzero_flags(x);
        const Shape& shape = x.shape();
        const int64_t count = r.out(0).shape()[1];
        int64_t* out = r.out(0).data<int64_t>();
        std::vector<int64_t> pos(shape.size(), 0);
        int64_t k = 0;
        for (std::size_t i = 0; i < flags.size(); ++i) {
            if (flags[i] && k < count) {
                for (std::size_t d = 0; d < shape.size(); ++d)
                    out[static_cast<int64_t>(d) * count + k] = pos[d];
                ++k;
            }
            for (std::size_t d = shape.size(); d-- > 0;) {
                if (++pos[d] < shape[d]) break;
                pos[d] = 0;
            }
        }
    });
}

}  // namespace

void register_non_zero(OpRegistry& registry) {
    registry.add({.name = "NonZero", .since_version = 9, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
