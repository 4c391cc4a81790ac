// SPDX-License-Identifier: MIT
// StringNormalizer (ONNX opset 10): removes `stopwords` from a string tensor [C] or [1, C] (compared exactly when
// is_case_sensitive = 1, else ignoring ASCII case; default 0), then applies case_change_action NONE (default),
// LOWER or UPPER. The output is [C'] or [1, C']; when every string is removed it holds one empty string.
// Case is changed for ASCII letters only (the `locale` attribute is not read).
#include <algorithm>
#include <cctype>
#include <set>

#include "konnx/string_tensor.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

enum class CaseChange { kNone, kLower, kUpper };

std::string with_case(std::string s, CaseChange change) {
    if (change == CaseChange::kNone) return s;
    for (char& c : s)
        c = static_cast<char>(change == CaseChange::kLower ? std::tolower(static_cast<unsigned char>(c))
                                                           : std::toupper(static_cast<unsigned char>(c)));
    return s;
}

struct Normalizer {
    CaseChange change = CaseChange::kNone;
    bool case_sensitive = false;
    std::set<std::string> stopwords;  // lower-cased unless case_sensitive

    explicit Normalizer(const NodeContext& ctx) {
        const std::string action = ctx.attr_string("case_change_action", "NONE");
        ctx.check(action == "NONE" || action == "LOWER" || action == "UPPER",
                  "case_change_action must be NONE, LOWER or UPPER, got '", action, "'");
        change = action == "LOWER" ? CaseChange::kLower : action == "UPPER" ? CaseChange::kUpper : CaseChange::kNone;
        case_sensitive = ctx.attr_int("is_case_sensitive", 0) != 0;
        for (const auto& w : ctx.attr_strings("stopwords"))
            stopwords.insert(case_sensitive ? w : with_case(w, CaseChange::kLower));
    }

    std::vector<std::string> apply(std::span<const std::string> in) const {
        std::vector<std::string> out;
        for (const std::string& s : in)
            if (!stopwords.count(case_sensitive ? s : with_case(s, CaseChange::kLower)))
                out.push_back(with_case(s, change));
        if (out.empty()) out.emplace_back();
        return out;
    }
};

Shape output_shape(const Shape& in, std::size_t count) {
    const auto n = static_cast<int64_t>(count);
    return in.size() == 1 ? Shape{n} : Shape{1, n};
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1 && ctx.has_input(0), "expects 1 input");
    ctx.check(ctx.input_dtype(0) == DType::kString, "input must be a string tensor, got ",
              dtype_name(ctx.input_dtype(0)));
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() == 1 || (x.size() == 2 && x[0] == 1), "input must be [C] or [1, C], got ", shape_str(x));
    const Normalizer normalizer(ctx);
    ctx.set_output(0, DType::kString, output_shape(x, normalizer.apply(string_values(ctx.require_value(0))).size()));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([normalizer = Normalizer(init)](const KernelRun& r) {
        auto values = normalizer.apply(string_values(r.in(0)));
        const Shape shape = output_shape(r.in(0).shape(), values.size());
        r.out(0) = make_string_tensor(shape, std::move(values));
    });
}

}  // namespace

void register_string_normalizer(OpRegistry& registry) {
    registry.add(
        {.name = "StringNormalizer", .since_version = 10, .infer = infer, .make_kernel = make, .strings = true});
}

}  // namespace konnx::ops
