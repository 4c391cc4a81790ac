// SPDX-License-Identifier: MIT
// CastMap (ai.onnx.ml 1): a map int64 -> string or float becomes a [1, M] tensor: cast_to TO_FLOAT (default),
// TO_INT64 or TO_STRING. map_form DENSE (default) lists the values in key order (M = the map's size); SPARSE puts
// each value at its key's position in [0, max_map) (M = max_map, default 1; keys must be >= 0) and pads with 0
// ("0.f" for strings, as onnxruntime does). Strings convert as std::stof / std::stoll, floats to strings as
// std::to_string, floats to int64 by truncation.
#include <cmath>
#include <string>

#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Cast {
    DType to = DType::kFloat32;
    bool sparse = false;
    int64_t max_map = 1;

    explicit Cast(const NodeContext& ctx) : max_map(ctx.attr_int("max_map", 1)) {
        const std::string cast_to = ctx.attr_string("cast_to", "TO_FLOAT");
        ctx.check(cast_to == "TO_FLOAT" || cast_to == "TO_INT64" || cast_to == "TO_STRING",
                  "cast_to must be TO_FLOAT, TO_INT64 or TO_STRING, got '", cast_to, "'");
        to = cast_to == "TO_FLOAT" ? DType::kFloat32 : cast_to == "TO_INT64" ? DType::kInt64 : DType::kString;
        const std::string form = ctx.attr_string("map_form", "DENSE");
        ctx.check(form == "DENSE" || form == "SPARSE", "map_form must be DENSE or SPARSE, got '", form, "'");
        sparse = form == "SPARSE";
        ctx.check(!sparse || (max_map > 0 && max_map <= (int64_t{1} << 40)), "max_map must be positive, got ", max_map);
    }
};

const Tensor& map_input(const NodeContext& ctx) {
    ctx.check(ctx.has_input(0) && ctx.input_dtype(0) == kMapType, "input X must be a map, got ",
              ctx.has_input(0) ? dtype_name(ctx.input_dtype(0)) : "nothing");
    const Tensor& map = ctx.require_value(0);
    const DType value = map_values(map).dtype();
    ctx.check(map_keys(map).dtype() == DType::kInt64 && (value == DType::kString || value == DType::kFloat32),
              "input X must map int64 to string or float, got ", dtype_name(map_keys(map).dtype()), " -> ",
              dtype_name(value));
    return map;
}

/// Value i of the map's values as float, int64 or string.
template <class To>
To convert(const Tensor& values, std::size_t i) {
    if (values.dtype() == DType::kString) {
        const std::string& s = string_values(values)[i];
        try {
            if constexpr (std::is_same_v<To, float>) return std::stof(s);
            if constexpr (std::is_same_v<To, int64_t>) return std::stoll(s);
            if constexpr (std::is_same_v<To, std::string>) return s;
        } catch (const std::exception&) {
            fail(ErrorCode::kInvalidArgument, "map value '", s, "' is not a number");
        }
    }
    const float v = values.data<float>()[i];
    if constexpr (std::is_same_v<To, float>) return v;
    if constexpr (std::is_same_v<To, int64_t>) {
        if (!(std::abs(v) < 9.2e18f)) fail(ErrorCode::kInvalidArgument, "map value ", v, " does not fit an int64");
        return static_cast<int64_t>(v);
    }
    if constexpr (std::is_same_v<To, std::string>) return std::to_string(v);
}

template <class To>
void cast(const Cast& c, const Tensor& map, To* out, int64_t width, const To& pad) {
    const auto keys = map_keys(map).span<int64_t>();
    const Tensor& values = map_values(map);
    if (!c.sparse) {
        for (std::size_t i = 0; i < keys.size(); ++i)
            out[i] = convert<To>(values, i);
        return;
    }
    if (!keys.empty() && keys[0] < 0) fail(ErrorCode::kInvalidArgument, "SPARSE maps need keys >= 0, got ", keys[0]);
    std::fill_n(out, width, pad);
    for (std::size_t i = 0; i < keys.size() && keys[i] < width; ++i)
        out[keys[i]] = convert<To>(values, i);
}

void infer(InferContext& ctx) {
    const Cast c(ctx);
    const Tensor& map = map_input(ctx);
    ctx.set_output(0, c.to, {1, c.sparse ? c.max_map : map_keys(map).dim(0)});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([c = Cast(init)](const KernelRun& r) {
        Tensor& y = r.out(0);
        const int64_t width = y.dim(1);
        if (c.to == DType::kFloat32) cast<float>(c, r.in(0), y.data<float>(), width, 0.f);
        if (c.to == DType::kInt64) cast<int64_t>(c, r.in(0), y.data<int64_t>(), width, 0);
        if (c.to == DType::kString) cast<std::string>(c, r.in(0), mutable_string_values(y).data(), width, "0.f");
    });
}

}  // namespace

void register_ml_cast_map(OpRegistry& registry) {
    registry.add({.name = "CastMap",
                  .domain = kDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .strings = true});
}

}  // namespace konnx::ops
