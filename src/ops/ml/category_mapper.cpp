// SPDX-License-Identifier: MIT
// CategoryMapper (ai.onnx.ml 1): maps strings to int64 or int64 to strings through the pairs (cats_strings[i],
// cats_int64s[i]); an unknown value maps to default_int64 (-1) or default_string ("_Unused"). The output has X's
// shape. A value listed twice maps as its first pair.
#include <unordered_map>

#include "konnx/string_tensor.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Mapping {
    std::vector<std::string> strings;
    std::vector<int64_t> ints;
    std::unordered_map<std::string, int64_t> to_int;
    std::unordered_map<int64_t, std::string> to_string;
    int64_t default_int;
    std::string default_string;

    explicit Mapping(const NodeContext& ctx)
        : strings(ctx.attr_strings("cats_strings")),
          ints(ctx.attr_ints("cats_int64s")),
          default_int(ctx.attr_int("default_int64", -1)),
          default_string(ctx.attr_string("default_string", "_Unused")) {
        check_length(ctx, "cats_int64s", ints.size(), strings.size());
        for (std::size_t i = 0; i < ints.size(); ++i) {
            to_int.emplace(strings[i], ints[i]);
            to_string.emplace(ints[i], strings[i]);
        }
        ctx.check(ctx.has_input(0) && (ctx.input_dtype(0) == DType::kString || ctx.input_dtype(0) == DType::kInt64),
                  "input X must be string or int64, got ",
                  ctx.has_input(0) ? dtype_name(ctx.input_dtype(0)) : "nothing");
    }
};

void infer(InferContext& ctx) {
    const Mapping m(ctx);
    ctx.set_output(0, ctx.input_dtype(0) == DType::kString ? DType::kInt64 : DType::kString, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([m = Mapping(init)](const KernelRun& r) {
        const Tensor& x = r.in(0);
        if (x.dtype() == DType::kString) {
            const auto in = string_values(x);
            int64_t* y = r.out(0).data<int64_t>();
            for (std::size_t i = 0; i < in.size(); ++i) {
                const auto it = m.to_int.find(in[i]);
                y[i] = it == m.to_int.end() ? m.default_int : it->second;
            }
            return;
        }
        const auto in = x.span<int64_t>();
        auto y = mutable_string_values(r.out(0));
        for (std::size_t i = 0; i < in.size(); ++i) {
            const auto it = m.to_string.find(in[i]);
            y[i] = it == m.to_string.end() ? m.default_string : it->second;
        }
    });
}

}  // namespace

void register_ml_category_mapper(OpRegistry& registry) {
    registry.add({.name = "CategoryMapper",
                  .domain = kDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .strings = true});
}

}  // namespace konnx::ops
