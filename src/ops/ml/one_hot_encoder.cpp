// SPDX-License-Identifier: MIT
// OneHotEncoder (ai.onnx.ml 1): Y[..., k] = 1 where X's element is category k, as float of X's shape + [categories].
// String inputs use cats_strings; int64, int32, float and double inputs are truncated to int64 and use cats_int64s.
// An unknown category gives a row of zeros (zeros = 1, the default) or an error (zeros = 0). A category listed
// twice counts as its last position, as in onnxruntime.
#include <cmath>
#include <unordered_map>

#include "core/dispatch.hpp"
#include "konnx/string_tensor.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Encoder {
    std::unordered_map<int64_t, int64_t> ints;
    std::unordered_map<std::string, int64_t> strings;
    int64_t categories = 0;
    bool zeros = true;

    explicit Encoder(const NodeContext& ctx) : zeros(ctx.attr_int("zeros", 1) != 0) {
        const auto cats_ints = ctx.attr_ints("cats_int64s");
        const auto cats_strings = ctx.attr_strings("cats_strings");
        ctx.check(cats_ints.empty() != cats_strings.empty(), "give cats_int64s or cats_strings (exactly one)");
        ctx.check(ctx.has_input(0), "input X is missing");
        const bool string_input = ctx.input_dtype(0) == DType::kString;
        ctx.check(string_input == !cats_strings.empty(), "a ", dtype_name(ctx.input_dtype(0)), " input needs ",
                  string_input ? "cats_strings" : "cats_int64s");
        if (!string_input) numeric_input(ctx);
        for (std::size_t i = 0; i < cats_ints.size(); ++i)
            ints[cats_ints[i]] = static_cast<int64_t>(i);
        for (std::size_t i = 0; i < cats_strings.size(); ++i)
            strings[cats_strings[i]] = static_cast<int64_t>(i);
        categories = static_cast<int64_t>(cats_ints.size() + cats_strings.size());
    }

    /// The category of value i (found through `find`), or -1.
    template <class Find>
    void encode(int64_t count, Find find, float* y) const {
        std::fill_n(y, count * categories, 0.f);
        for (int64_t i = 0; i < count; ++i) {
            const int64_t k = find(i);
            if (k >= 0)
                y[i * categories + k] = 1.f;
            else if (!zeros)
                fail(ErrorCode::kInvalidArgument, "element ", i, " of X is not a known category (zeros = 0)");
        }
    }
};

void infer(InferContext& ctx) {
    const Encoder enc(ctx);
    Shape shape = ctx.input_shape(0);
    shape.push_back(enc.categories);
    ctx.set_output(0, DType::kFloat32, shape);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([enc = Encoder(init)](const KernelRun& r) {
        const Tensor& x = r.in(0);
        float* y = r.out(0).data<float>();
        if (x.dtype() == DType::kString) {
            const auto in = string_values(x);
            enc.encode(
                x.numel(),
                [&](int64_t i) {
                    const auto it = enc.strings.find(in[static_cast<std::size_t>(i)]);
                    return it == enc.strings.end() ? int64_t{-1} : it->second;
                },
                y);
            return;
        }
        dispatch_list(TypeList<float, double, int64_t, int32_t>{}, x.dtype(), [&]<class T>() {
            const T* in = x.data<T>();
            enc.encode(
                x.numel(),
                [&](int64_t i) {
                    const T v = in[i];
                    if constexpr (std::is_floating_point_v<T>)
                        if (!(std::abs(v) < 9.2e18)) return int64_t{-1};  // NaN, infinite or beyond int64
                    const auto it = enc.ints.find(static_cast<int64_t>(v));
                    return it == enc.ints.end() ? int64_t{-1} : it->second;
                },
                y);
        });
    });
}

}  // namespace

void register_ml_one_hot_encoder(OpRegistry& registry) {
    registry.add({.name = "OneHotEncoder",
                  .domain = kDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .strings = true});
}

}  // namespace konnx::ops
