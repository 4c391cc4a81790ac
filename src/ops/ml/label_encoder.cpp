// SPDX-License-Identifier: MIT
// LabelEncoder (ai.onnx.ml 1, 2, 4): maps each element of X through a table of (key, value) pairs; an element not in
// the table maps to the default. The output has X's shape and the values' type.
//   - opset 1: classes_strings; a string X maps to its index (int64, default_int64 = -1), an int64 X to the string at
//     that index (default_string = "_Unused").
//   - opset 2: keys_floats / keys_int64s / keys_strings paired with values_floats / values_int64s / values_strings;
//     defaults default_float (-0.0), default_int64 (-1), default_string ("_Unused").
//   - opset 4: also keys_tensor / values_tensor (any of string, int64, int32, int16, float, double) and
//     default_tensor (one element) in place of the default_* attributes.
// X's type must be the keys' type. Float keys compare by value with NaN matching NaN; a key listed twice keeps its
// first value.
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <unordered_map>

#include "core/dispatch.hpp"
#include "konnx/string_tensor.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

using KeyTypes = TypeList<int64_t, int32_t, int16_t, float, double>;

/// A 1-D table column from the attribute `<prefix>_floats|_int64s|_strings` or `<prefix>_tensor` (opset 4).
Tensor column(const NodeContext& ctx, const std::string& prefix) {
    std::vector<Tensor> found;
    if (ctx.has_attr(prefix + "_floats")) {
        const auto v = ctx.attr_floats(prefix + "_floats");
        found.push_back(Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v));
    }
    if (ctx.has_attr(prefix + "_int64s")) {
        const auto v = ctx.attr_ints(prefix + "_int64s");
        found.push_back(Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v));
    }
    if (ctx.has_attr(prefix + "_strings")) {
        auto v = ctx.attr_strings(prefix + "_strings");
        const auto n = static_cast<int64_t>(v.size());
        found.push_back(make_string_tensor({n}, std::move(v)));
    }
    if (ctx.opset() >= 4)
        if (const Tensor* t = ctx.attr_tensor(prefix + "_tensor")) found.push_back(t->reshaped({t->numel()}));
    ctx.check(found.size() == 1, "give exactly one of the ", prefix, "_* attributes, got ", found.size());
    const DType dtype = found[0].dtype();
    ctx.check(dtype == DType::kString || dtype == DType::kFloat32 || dtype == DType::kFloat64 ||
                  dtype == DType::kInt64 || dtype == DType::kInt32 || dtype == DType::kInt16,
              prefix, " of type ", dtype_name(dtype), " are not supported");
    return found[0];
}

/// The default value (one element) for values of `dtype`.
Tensor default_value(const NodeContext& ctx, DType dtype) {
    if (ctx.opset() >= 4)
        if (const Tensor* t = ctx.attr_tensor("default_tensor")) {
            ctx.check(t->numel() == 1 && t->dtype() == dtype, "default_tensor must hold one ", dtype_name(dtype),
                      ", got ", dtype_name(t->dtype()), " ", shape_str(t->shape()));
            return t->reshaped({1});
        }
    switch (dtype) {
        case DType::kString: return make_string_tensor({1}, {ctx.attr_string("default_string", "_Unused")});
        case DType::kFloat32: return Tensor::from_vector<float>({1}, {ctx.attr_float("default_float", -0.f)});
        case DType::kFloat64:
            return Tensor::from_vector<double>({1}, {static_cast<double>(ctx.attr_float("default_float", -0.f))});
        default: {
            Tensor t = Tensor::empty(dtype, {1});
            const int64_t v = ctx.attr_int("default_int64", -1);
            dispatch_list(TypeList<int64_t, int32_t, int16_t>{}, dtype,
                          [&]<class T>() { t.data<T>()[0] = static_cast<T>(v); });
            return t;
        }
    }
}

/// Float keys hash and compare by value, every NaN alike.
template <class K>
struct KeyHash {
    std::size_t operator()(const K& k) const {
        if constexpr (std::is_floating_point_v<K>) {
            if (std::isnan(k)) return 0x7ff8;
            return std::hash<K>{}(k == K(0) ? K(0) : k);  // -0.0 and 0.0 alike
        } else {
            return std::hash<K>{}(k);
        }
    }
};
template <class K>
struct KeyEqual {
    bool operator()(const K& a, const K& b) const {
        if constexpr (std::is_floating_point_v<K>)
            if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
        return a == b;
    }
};

template <class K>
std::span<const K> elements(const Tensor& t) {
    if constexpr (std::is_same_v<K, std::string>)
        return string_values(t);
    else
        return t.span<K>();
}

/// For each element of x, the row of its key in the table, or -1: a hash map built once per kernel.
using Finder = std::function<std::vector<int64_t>(const Tensor& x)>;

template <class K>
Finder make_finder(const Tensor& keys) {
    auto rows = std::make_shared<std::unordered_map<K, int64_t, KeyHash<K>, KeyEqual<K>>>();
    const auto k = elements<K>(keys);
    for (std::size_t i = 0; i < k.size(); ++i)
        rows->emplace(k[i], static_cast<int64_t>(i));
    return [rows](const Tensor& x) {
        const auto in = elements<K>(x);
        std::vector<int64_t> found(in.size());
        for (std::size_t i = 0; i < in.size(); ++i) {
            const auto it = rows->find(in[i]);
            found[i] = it == rows->end() ? -1 : it->second;
        }
        return found;
    };
}

struct Table {
    Tensor keys, values, fallback;

    explicit Table(const NodeContext& ctx) {
        if (ctx.opset() < 2) {
            auto classes = ctx.attr_strings("classes_strings");
            const auto n = static_cast<int64_t>(classes.size());
            std::vector<int64_t> index(classes.size());
            for (std::size_t i = 0; i < index.size(); ++i)
                index[i] = static_cast<int64_t>(i);
            const Tensor strings = make_string_tensor({n}, std::move(classes));
            const Tensor ints = Tensor::from_vector<int64_t>({n}, index);
            const bool from_strings = ctx.has_input(0) && ctx.input_dtype(0) == DType::kString;
            keys = from_strings ? strings : ints;
            values = from_strings ? ints : strings;
        } else {
            keys = column(ctx, "keys");
            values = column(ctx, "values");
        }
        check_length(ctx, "the values", static_cast<std::size_t>(values.numel()),
                     static_cast<std::size_t>(keys.numel()));
        fallback = default_value(ctx, values.dtype());
        ctx.check(ctx.has_input(0) && ctx.input_dtype(0) == keys.dtype(), "input X must be ", dtype_name(keys.dtype()),
                  " (the keys' type), got ", ctx.has_input(0) ? dtype_name(ctx.input_dtype(0)) : "nothing");
    }

    Finder finder() const {
        if (keys.dtype() == DType::kString) return make_finder<std::string>(keys);
        Finder f;
        dispatch_list(KeyTypes{}, keys.dtype(), [&]<class K>() { f = make_finder<K>(keys); });
        return f;
    }
};

void infer(InferContext& ctx) {
    const Table table(ctx);
    ctx.set_output(0, table.values.dtype(), ctx.input_shape(0));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    Table table(init);
    Finder find = table.finder();
    return make_kernel([table = std::move(table), find = std::move(find)](const KernelRun& r) {
        const std::vector<int64_t> rows = find(r.in(0));
        Tensor& y = r.out(0);
        if (y.dtype() == DType::kString) {
            const auto values = string_values(table.values);
            const std::string& fallback = string_values(table.fallback)[0];
            auto out = mutable_string_values(y);
            for (std::size_t i = 0; i < rows.size(); ++i)
                out[i] = rows[i] < 0 ? fallback : values[static_cast<std::size_t>(rows[i])];
            return;
        }
        const std::size_t size = dtype_size(y.dtype());
        const auto* values = static_cast<const std::byte*>(table.values.raw());
        auto* out = static_cast<std::byte*>(y.raw());
        for (std::size_t i = 0; i < rows.size(); ++i)
            std::memcpy(out + i * size,
                        rows[i] < 0 ? table.fallback.raw() : values + static_cast<std::size_t>(rows[i]) * size, size);
    });
}

}  // namespace

void register_ml_label_encoder(OpRegistry& registry) {
    for (int version : {1, 2, 4})
        registry.add({.name = "LabelEncoder",
                      .domain = kDomain,
                      .since_version = version,
                      .infer = infer,
                      .make_kernel = make,
                      .strings = true});
}

}  // namespace konnx::ops
