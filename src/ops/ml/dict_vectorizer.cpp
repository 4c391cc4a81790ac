// SPDX-License-Identifier: MIT
// DictVectorizer (ai.onnx.ml 1): a map (string or int64 keys) becomes a [1, V] tensor of its value type, entry i
// holding the map's value for string_vocabulary[i] (or int64_vocabulary[i]), 0 ("" for strings) when absent.
#include <algorithm>
#include <cstring>

#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Vocabulary {
    std::vector<std::string> strings;
    std::vector<int64_t> ints;

    explicit Vocabulary(const NodeContext& ctx)
        : strings(ctx.attr_strings("string_vocabulary")), ints(ctx.attr_ints("int64_vocabulary")) {
        ctx.check(strings.empty() != ints.empty(), "give string_vocabulary or int64_vocabulary (exactly one)");
    }
    int64_t size() const { return static_cast<int64_t>(strings.size() + ints.size()); }
};

/// The position of each vocabulary word among the map's sorted keys, or -1.
template <class K>
std::vector<int64_t> positions(std::span<const K> keys, const std::vector<K>& words) {
    std::vector<int64_t> found;
    found.reserve(words.size());
    for (const K& w : words) {
        const auto it = std::lower_bound(keys.begin(), keys.end(), w);
        found.push_back(it != keys.end() && *it == w ? it - keys.begin() : -1);
    }
    return found;
}

const Tensor& map_input(const NodeContext& ctx, const Vocabulary& vocab) {
    ctx.check(ctx.has_input(0) && ctx.input_dtype(0) == kMapType, "input X must be a map, got ",
              ctx.has_input(0) ? dtype_name(ctx.input_dtype(0)) : "nothing");
    const Tensor& map = ctx.require_value(0);
    const DType key = map_keys(map).dtype();
    ctx.check(key == (vocab.strings.empty() ? DType::kInt64 : DType::kString), "a map with ", dtype_name(key),
              " keys needs ", key == DType::kString ? "string_vocabulary" : "int64_vocabulary");
    return map;
}

void infer(InferContext& ctx) {
    const Vocabulary vocab(ctx);
    ctx.set_output(0, map_values(map_input(ctx, vocab)).dtype(), {1, vocab.size()});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([vocab = Vocabulary(init)](const KernelRun& r) {
        const Tensor& keys = map_keys(r.in(0));
        const Tensor& values = map_values(r.in(0));
        const auto found = keys.dtype() == DType::kString ? positions(string_values(keys), vocab.strings)
                                                          : positions(keys.span<int64_t>(), vocab.ints);
        Tensor& y = r.out(0);
        if (y.dtype() == DType::kString) {
            auto out = mutable_string_values(y);
            for (std::size_t i = 0; i < found.size(); ++i)
                out[i] = found[i] < 0 ? std::string() : string_values(values)[static_cast<std::size_t>(found[i])];
            return;
        }
        const std::size_t size = dtype_size(y.dtype());
        std::memset(y.raw(), 0, y.nbytes());
        for (std::size_t i = 0; i < found.size(); ++i)
            if (found[i] >= 0)
                std::memcpy(static_cast<std::byte*>(y.raw()) + i * size,
                            static_cast<const std::byte*>(values.raw()) + static_cast<std::size_t>(found[i]) * size,
                            size);
    });
}

}  // namespace

void register_ml_dict_vectorizer(OpRegistry& registry) {
    registry.add({.name = "DictVectorizer",
                  .domain = kDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .strings = true});
}

}  // namespace konnx::ops
