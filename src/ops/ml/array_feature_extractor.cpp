// SPDX-License-Identifier: MIT
// ArrayFeatureExtractor (ai.onnx.ml 1): Z = X[..., Y] — the elements of X's last axis at the int64 indices Y (any
// shape, read as a list; at least one). A 1-D X gives [1, len(Y)], as in onnxruntime. X may be float, double, int64,
// int32 or string; an index outside [0, last dim) is an error.
#include <cstring>

#include "konnx/string_tensor.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1), "expects 2 inputs (X, Y)");
    const DType dtype = ctx.input_dtype(0);
    ctx.check(dtype == DType::kFloat32 || dtype == DType::kFloat64 || dtype == DType::kInt64 ||
                  dtype == DType::kInt32 || dtype == DType::kString,
              "input X must be float, double, int64, int32 or string, got ", dtype_name(dtype));
    ctx.check(ctx.input_dtype(1) == DType::kInt64, "input Y must be int64, got ", dtype_name(ctx.input_dtype(1)));
    Shape shape = ctx.input_shape(0);
    ctx.check(!shape.empty(), "input X must have rank 1 or more, got a scalar");
    const int64_t count = checked_numel(ctx.input_shape(1));
    ctx.check(count > 0, "input Y holds no index");
    if (shape.size() == 1) shape.insert(shape.begin(), 1);
    shape.back() = count;
    ctx.set_output(0, dtype, shape);
}

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const int64_t stride = x.shape().back();
        const auto indices = r.in(1).span<int64_t>();
        for (std::size_t i = 0; i < indices.size(); ++i)
            if (indices[i] < 0 || indices[i] >= stride)
                fail(ErrorCode::kInvalidArgument, "index Y[", i, "] = ", indices[i], " is outside [0, ", stride, ")");
        const int64_t rows = stride == 0 ? 0 : x.numel() / stride;
        const auto count = static_cast<int64_t>(indices.size());
        if (x.dtype() == DType::kString) {
            const auto in = string_values(x);
            auto out = mutable_string_values(r.out(0));
            for (int64_t n = 0; n < rows; ++n)
                for (int64_t j = 0; j < count; ++j)
                    out[static_cast<std::size_t>(n * count + j)] =
                        in[static_cast<std::size_t>(n * stride + indices[static_cast<std::size_t>(j)])];
            return;
        }
        const std::size_t size = dtype_size(x.dtype());
        const auto* in = static_cast<const std::byte*>(x.raw());
        auto* out = static_cast<std::byte*>(r.out(0).raw());
        for (int64_t n = 0; n < rows; ++n)
            for (int64_t j = 0; j < count; ++j)
                std::memcpy(out + static_cast<std::size_t>(n * count + j) * size,
                            in + static_cast<std::size_t>(n * stride + indices[static_cast<std::size_t>(j)]) * size,
                            size);
    });
}

}  // namespace

void register_ml_array_feature_extractor(OpRegistry& registry) {
    registry.add({.name = "ArrayFeatureExtractor",
                  .domain = kDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .strings = true});
}

}  // namespace konnx::ops
