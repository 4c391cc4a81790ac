// SPDX-License-Identifier: MIT
// Imputer (ai.onnx.ml 1): replaces the elements of X equal to the replaced value (NaN matches NaN) by the imputed
// value of their feature (axis 1, axis 0 when 1-D), or by the one imputed value for all. Float and double inputs use
// imputed_value_floats / replaced_value_float, int64 and int32 ones imputed_value_int64s / replaced_value_int64.
#include <cmath>
#include <type_traits>

#include "core/dispatch.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Imputation {
    std::vector<float> floats;  // imputed values of float and double inputs
    std::vector<int64_t> ints;  // of int64 and int32 inputs
    float replaced_float;
    int64_t replaced_int;

    Imputation(const NodeContext& ctx, DType dtype, int64_t features)
        : floats(ctx.attr_floats("imputed_value_floats")),
          ints(ctx.attr_ints("imputed_value_int64s")),
          replaced_float(ctx.attr_float("replaced_value_float", 0.f)),
          replaced_int(ctx.attr_int("replaced_value_int64", 0)) {
        ctx.check(floats.empty() != ints.empty(), "give imputed_value_floats or imputed_value_int64s (exactly one)");
        const bool floating = dtype == DType::kFloat32 || dtype == DType::kFloat64;
        ctx.check(floating == !floats.empty(), "a ", dtype_name(dtype), " input needs ",
                  floating ? "imputed_value_floats" : "imputed_value_int64s");
        const std::size_t count = floating ? floats.size() : ints.size();
        ctx.check(count == 1 || static_cast<int64_t>(count) == features, "the imputed values must be 1 or ", features,
                  " (the feature count), got ", count);
    }
};

template <class T, class V>
void impute(const Tensor& in, Tensor& out, const std::vector<V>& imputed, V replaced, int64_t features) {
    const T* x = in.data<T>();
    T* y = out.data<T>();
    const bool nan = std::isnan(static_cast<double>(replaced));
    for (int64_t i = 0, n = in.numel(); i < n; ++i) {
        const bool replace = nan ? std::isnan(static_cast<double>(x[i])) : x[i] == static_cast<T>(replaced);
        const std::size_t f = imputed.size() == 1 ? 0 : static_cast<std::size_t>(i % features);
        y[i] = replace ? static_cast<T>(imputed[f]) : x[i];
    }
}

void infer(InferContext& ctx) {
    Imputation(ctx, ctx.input_dtype(0), numeric_input(ctx));
    ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const int64_t features = numeric_input(init);
    return make_kernel([m = Imputation(init, init.input_dtype(0), features), features](const KernelRun& r) {
        dispatch_list(TypeList<float, double, int64_t, int32_t>{}, r.in(0).dtype(), [&]<class T>() {
            if constexpr (std::is_floating_point_v<T>)
                impute<T>(r.in(0), r.out(0), m.floats, m.replaced_float, features);
            else
                impute<T>(r.in(0), r.out(0), m.ints, m.replaced_int, features);
        });
    });
}

}  // namespace

void register_ml_imputer(OpRegistry& registry) {
    registry.add({.name = "Imputer", .domain = kDomain, .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
