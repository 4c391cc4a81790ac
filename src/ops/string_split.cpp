// SPDX-License-Identifier: MIT
// StringSplit (ONNX opset 20): splits each string of X as Python's str.split(delimiter, maxsplit) does: on
// `delimiter` exactly (empty fields kept), or, when it is unset or "", on runs of whitespace (leading and
// trailing whitespace ignored, no empty fields). At most `maxsplit` splits when given (the rest stays in the last
// field). Y [X's shape..., the largest field count] holds the fields, padded with ""; Z [X's shape] the counts.
#include <algorithm>
#include <cctype>

#include "konnx/string_tensor.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

struct Splitter {
    std::string delimiter;
    int64_t maxsplit = -1;  // < 0: no limit

    explicit Splitter(const NodeContext& ctx)
        : delimiter(ctx.attr_string("delimiter", "")), maxsplit(ctx.attr_int("maxsplit", -1)) {}

    std::vector<std::string> split(const std::string& s) const {
        std::vector<std::string> out;
        if (!delimiter.empty()) {
            std::size_t start = 0;
            for (std::size_t at; (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) &&
                                 (at = s.find(delimiter, start)) != std::string::npos;) {
                out.push_back(s.substr(start, at - start));
                start = at + delimiter.size();
            }
            out.push_back(s.substr(start));
            return out;
        }
        const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
        std::size_t i = 0;
        while (true) {
            while (i < s.size() && space(s[i]))
                ++i;
            if (i == s.size()) break;
            if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
                std::size_t last = s.size();
                while (last > i && space(s[last - 1]))
                    --last;
                out.push_back(s.substr(i, last - i));
                break;
            }
            std::size_t j = i;
            while (j < s.size() && !space(s[j]))
                ++j;
            out.push_back(s.substr(i, j - i));
            i = j;
        }
        return out;
    }

    // Every string's fields, and the widest count.
    std::pair<std::vector<std::vector<std::string>>, int64_t> apply(std::span<const std::string> in) const {
        std::vector<std::vector<std::string>> fields;
        int64_t widest = 0;
        for (const auto& s : in) {
            fields.push_back(split(s));
            widest = std::max(widest, static_cast<int64_t>(fields.back().size()));
        }
        return {std::move(fields), widest};
    }
};

Shape with_last(Shape shape, int64_t last) {
    shape.push_back(last);
    return shape;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1, "expects 1 input");
    ctx.check(ctx.input_dtype(0) == DType::kString, "input must be a string tensor, got ",
              dtype_name(ctx.input_dtype(0)));
    const auto [fields, widest] = Splitter(ctx).apply(string_values(ctx.require_value(0)));
    ctx.set_output(0, DType::kString, with_last(ctx.input_shape(0), widest));
    if (ctx.has_output(1)) ctx.set_output(1, DType::kInt64, ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([splitter = Splitter(init)](const KernelRun& r) {
        const auto [fields, widest] = splitter.apply(string_values(r.in(0)));
        std::vector<std::string> y;
        std::vector<int64_t> z;
        for (const auto& f : fields) {
            z.push_back(static_cast<int64_t>(f.size()));
            y.insert(y.end(), f.begin(), f.end());
            y.resize(y.size() + static_cast<std::size_t>(widest) - f.size());
        }
        r.out(0) = make_string_tensor(with_last(r.in(0).shape(), widest), std::move(y));
        if (r.has_out(1)) std::copy(z.begin(), z.end(), r.out(1).data<int64_t>());
    });
}

}  // namespace

void register_string_split(OpRegistry& registry) {
    registry.add({.name = "StringSplit", .since_version = 20, .infer = infer, .make_kernel = make, .strings = true});
}

}  // namespace konnx::ops
