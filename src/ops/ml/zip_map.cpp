// SPDX-License-Identifier: MIT
// ZipMap (ai.onnx.ml 1): turns scores X (float, [N, C] or [C]) into a sequence of N maps, class label -> score, with
// the labels of classlabels_int64s or classlabels_strings (C of them, no label twice). Each map lists its labels in
// ascending order, as onnxruntime's do; the maps share one copy of the labels and of the scores.
#include <algorithm>
#include <numeric>

#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Zip {
    Tensor keys;                 // the labels, ascending
    std::vector<int64_t> order;  // order[j]: the score column of keys[j]

    explicit Zip(const NodeContext& ctx) {
        const ClassLabels labels(ctx, "classlabels_int64s", "classlabels_strings");
        ctx.check(labels.size() > 0, "give the labels in classlabels_int64s or classlabels_strings");
        order.resize(labels.size());
        std::iota(order.begin(), order.end(), int64_t{0});
        const auto by = [](const auto& v) {
            return
                [&v](int64_t a, int64_t b) { return v[static_cast<std::size_t>(a)] < v[static_cast<std::size_t>(b)]; };
        };
        const auto n = static_cast<int64_t>(labels.size());
        if (labels.is_string()) {
            std::stable_sort(order.begin(), order.end(), by(labels.strings));
            std::vector<std::string> sorted;
            for (int64_t i : order)
                sorted.push_back(labels.strings[static_cast<std::size_t>(i)]);
            ctx.check(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(), "a class label is given twice");
            keys = make_string_tensor({n}, std::move(sorted));
        } else {
            std::stable_sort(order.begin(), order.end(), by(labels.ints));
            std::vector<int64_t> sorted;
            for (int64_t i : order)
                sorted.push_back(labels.ints[static_cast<std::size_t>(i)]);
            ctx.check(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(), "a class label is given twice");
            keys = Tensor::from_vector<int64_t>({n}, sorted);
        }
    }
    int64_t classes() const { return keys.dim(0); }
};

std::pair<int64_t, int64_t> check_input(const NodeContext& ctx, const Zip& zip) {
    ctx.check(ctx.has_input(0) && ctx.input_dtype(0) == DType::kFloat32, "input X must be float, got ",
              ctx.has_input(0) ? dtype_name(ctx.input_dtype(0)) : "nothing");
    const Shape& x = ctx.input_shape(0);
    ctx.check((x.size() == 1 || x.size() == 2) && x.back() == zip.classes(), "input X must be [N, ", zip.classes(),
              "] or [", zip.classes(), "] (one score per label), got ", shape_str(x));
    return {x.size() == 1 ? 1 : x[0], x.back()};
}

void infer(InferContext& ctx) {
    check_input(ctx, Zip(ctx));
    ctx.set_output(0, kSequenceType, {});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    Zip zip(init);
    const auto input = check_input(init, zip);
    return make_kernel([zip = std::move(zip), rows = input.first, classes = input.second](const KernelRun& r) {
        // One buffer holds every row's scores in key order; each map's values view their row of it.
        auto scores = std::make_shared<std::vector<float>>(static_cast<std::size_t>(rows * classes));
        const float* x = r.in(0).data<float>();
        for (int64_t n = 0; n < rows; ++n)
            for (int64_t j = 0; j < classes; ++j)
                (*scores)[static_cast<std::size_t>(n * classes + j)] =
                    x[n * classes + zip.order[static_cast<std::size_t>(j)]];
        std::vector<Tensor> maps;
        maps.reserve(static_cast<std::size_t>(rows));
        for (int64_t n = 0; n < rows; ++n)
            maps.push_back(
                make_map(zip.keys, Tensor::wrap(DType::kFloat32, {classes}, scores, scores->data() + n * classes)));
        r.out(0) = make_sequence(kMapType, std::move(maps));
    });
}

}  // namespace

void register_ml_zip_map(OpRegistry& registry) {
    registry.add({.name = "ZipMap", .domain = kDomain, .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
