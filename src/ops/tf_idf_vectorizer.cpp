// SPDX-License-Identifier: MIT
// TfIdfVectorizer (ONNX opset 9): counts the pool's n-grams in each row of an int32/int64 input [C] or [N, C] and
// writes float frequencies [S] or [N, S], S = max(ngram_indexes) + 1.
//   - pool_int64s holds the n-grams level by level; ngram_counts[k] is where the (k+1)-grams start; the j-th
//     n-gram of the pool (in pool order) counts into output ngram_indexes[j].
//   - An n-gram with skip s takes items at stride s + 1, for s in 0..max_skip_count and n in
//     min_gram_length..max_gram_length. 1-grams are counted once (skips do not change them), as onnxruntime does.
//   - mode TF: the count; IDF: weights[j] where the count is non-zero; TFIDF: count * weights[j]
//     (weights default to 1).
// String pools (pool_strings) are not supported: konnx has no string tensors.
#include <map>

#include "core/dispatch.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {
namespace {

enum class Mode { kTf, kIdf, kTfIdf };

struct Pool {
    std::map<std::vector<int64_t>, int64_t> index_of;  // n-gram -> output index
    int64_t min_n = 1, max_n = 1, max_skip = 0, size = 0;
    Mode mode = Mode::kTf;
    std::vector<float> weights;  // by output index; empty = all 1
};

Pool read_pool(const NodeContext& ctx) {
    ctx.check(!ctx.has_attr("pool_strings"), "string pools are not supported (konnx has no string tensors)");
    Pool p;
    p.min_n = ctx.attr_int("min_gram_length");
    p.max_n = ctx.attr_int("max_gram_length");
    p.max_skip = ctx.attr_int("max_skip_count");
    ctx.check(p.min_n >= 1 && p.max_n >= p.min_n && p.max_skip >= 0, "needs 1 <= min_gram_length <= max_gram_length",
              " and max_skip_count >= 0");
    const std::string mode = ctx.attr_string("mode", "");
    ctx.check(mode == "TF" || mode == "IDF" || mode == "TFIDF", "mode must be TF, IDF or TFIDF, got '", mode, "'");
    p.mode = mode == "TF" ? Mode::kTf : mode == "IDF" ? Mode::kIdf : Mode::kTfIdf;
    const auto pool = ctx.attr_ints("pool_int64s");
    const auto counts = ctx.attr_ints("ngram_counts");
    const auto indexes = ctx.attr_ints("ngram_indexes");
    const auto weights = ctx.attr_floats("weights");
    std::size_t j = 0;  // n-gram number in pool order
    for (std::size_t level = 0; level < counts.size(); ++level) {
        const auto n = static_cast<int64_t>(level + 1);
        const int64_t begin = counts[level];
        const int64_t end = level + 1 < counts.size() ? counts[level + 1] : static_cast<int64_t>(pool.size());
        ctx.check(begin >= 0 && begin <= end && end <= static_cast<int64_t>(pool.size()) && (end - begin) % n == 0,
                  "ngram_counts[", level, "] does not split pool_int64s into ", n, "-grams");
        for (int64_t at = begin; at < end; at += n, ++j) {
            ctx.check(j < indexes.size(), "ngram_indexes has fewer entries than the pool has n-grams");
            ctx.check(indexes[j] >= 0 && indexes[j] < (int64_t{1} << 30), "ngram_indexes[", j, "] out of range");
            p.index_of[std::vector<int64_t>(pool.begin() + at, pool.begin() + at + n)] = indexes[j];
            p.size = std::max(p.size, indexes[j] + 1);
        }
    }
    ctx.check(j == indexes.size(), "ngram_indexes has ", indexes.size(), " entries but the pool has ", j, " n-grams");
    if (!weights.empty()) {
        ctx.check(weights.size() == indexes.size(), "weights must have one entry per n-gram");
        p.weights.assign(static_cast<std::size_t>(p.size), 0.0f);
        for (std::size_t k = 0; k < indexes.size(); ++k)
            p.weights[static_cast<std::size_t>(indexes[k])] = weights[k];
    }
    return p;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 1 && ctx.has_input(0), "expects 1 input");
    const DType dtype = ctx.input_dtype(0);
    if (dtype != DType::kInt32 && dtype != DType::kInt64)
        ctx.unsupported("input type ", dtype_name(dtype), " is not supported (int32 and int64 are)");
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() == 1 || x.size() == 2, "input must be [C] or [N, C], got ", shape_str(x));
    const int64_t size = read_pool(ctx).size;
    ctx.set_output(0, DType::kFloat32, x.size() == 1 ? Shape{size} : Shape{x[0], size});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([pool = read_pool(init)](const KernelRun& r) {
        const Tensor& x = r.in(0);
        const int64_t rows = x.shape().size() == 1 ? 1 : x.shape()[0];
        const int64_t cols = x.shape().back();
        float* y = r.out(0).data<float>();
        std::fill(y, y + rows * pool.size, 0.0f);
        dispatch<int32_t, int64_t>(x.dtype(), [&]<class T>() {
            std::vector<int64_t> gram;
            for (int64_t row = 0; row < rows; ++row) {
                const T* items = x.data<T>() + row * cols;
                float* counts = y + row * pool.size;
                // Skips are only worth trying while a 2-gram still fits in the row (max_skip_count may be huge).
                for (int64_t skip = 0; skip <= pool.max_skip && (skip == 0 || skip + 1 < cols); ++skip) {
                    const int64_t first_n = skip > 0 ? std::max<int64_t>(pool.min_n, 2) : pool.min_n;
                    for (int64_t start = 0; start < cols; ++start)
                        for (int64_t n = first_n; n <= pool.max_n && start + (n - 1) * (skip + 1) < cols; ++n) {
                            gram.clear();
                            for (int64_t k = 0; k < n; ++k)
                                gram.push_back(static_cast<int64_t>(items[start + k * (skip + 1)]));
                            const auto hit = pool.index_of.find(gram);
                            if (hit != pool.index_of.end()) counts[hit->second] += 1.0f;
                        }
                }
                for (int64_t k = 0; k < pool.size && pool.mode != Mode::kTf; ++k) {
                    const float w = pool.weights.empty() ? 1.0f : pool.weights[static_cast<std::size_t>(k)];
                    counts[k] = pool.mode == Mode::kIdf ? (counts[k] > 0 ? w : 0.0f) : counts[k] * w;
                }
            }
        });
    });
}

}  // namespace

void register_tf_idf_vectorizer(OpRegistry& registry) {
    registry.add({.name = "TfIdfVectorizer", .since_version = 9, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
