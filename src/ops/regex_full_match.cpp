// SPDX-License-Identifier: MIT
// RegexFullMatch (ONNX opset 20): Y[i] = whether the whole string X[i] matches `pattern`, in RE2 syntax (the
// syntax the spec names), matched by RE2 itself. A pattern RE2 rejects is an invalid model.
#include <re2/re2.h>

#include <memory>

#include "konnx/string_tensor.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

std::shared_ptr<const re2::RE2> compile(const NodeContext& ctx) {
    ctx.check(ctx.has_attr("pattern"), "the pattern attribute is required");
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>(ctx.attr_string("pattern", ""), options);
    ctx.check(re->ok(), "pattern is not a valid RE2 regular expression: ", re->error());
    return re;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1, "expects 1 input");
    ctx.check(ctx.input_dtype(0) == DType::kString, "input must be a string tensor, got ",
              dtype_name(ctx.input_dtype(0)));
    compile(ctx);
    ctx.set_output(0, DType::kBool, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([re = compile(init)](const KernelRun& r) {
        const auto x = string_values(r.in(0));
        bool* y = r.out(0).data<bool>();
        for (std::size_t i = 0; i < x.size(); ++i)
            y[i] = re2::RE2::FullMatch(x[i], *re);
    });
}

}  // namespace

void register_regex_full_match(OpRegistry& registry) {
    registry.add({.name = "RegexFullMatch", .since_version = 20, .infer = infer, .make_kernel = make, .strings = true});
}

}  // namespace konnx::ops
