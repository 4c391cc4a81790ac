// SPDX-License-Identifier: MIT
// FeatureVectorizer (ai.onnx.ml 1): concatenates the rows of its inputs (int32, int64, float, double; [N, ...] or [C])
// into one float [N, sum(inputdimensions)]: input i contributes inputdimensions[i] columns, its row cut to that
// width or padded with zeros. Every input must have the same row count.
#include <algorithm>
#include <numeric>

#include "core/dispatch.hpp"
#include "ops/support/ml_common.hpp"

namespace konnx::ops {
namespace {

using namespace ml;

struct Layout {
    std::vector<int64_t> widths;  // inputdimensions
    int64_t total = 0, rows = 0;

    explicit Layout(const NodeContext& ctx) : widths(ctx.attr_ints("inputdimensions")) {
        ctx.check(ctx.num_inputs() > 0, "expects at least one input");
        check_length(ctx, "inputdimensions", widths.size(), ctx.num_inputs());
        for (int64_t w : widths) {
            ctx.check(w >= 0 && w <= (int64_t{1} << 40), "inputdimensions values must be >= 0, got ", w);
            total += w;
        }
        for (std::size_t i = 0; i < ctx.num_inputs(); ++i) {
            numeric_input(ctx, i);
            const Shape& s = ctx.input_shape(i);
            const int64_t n = s.size() == 1 ? 1 : s[0];
            if (i == 0) rows = n;
            ctx.check(n == rows, "input ", i, " has ", n, " rows, input 0 has ", rows);
        }
    }
};

void infer(InferContext& ctx) {
    const Layout layout(ctx);
    ctx.set_output(0, DType::kFloat32, {layout.rows, layout.total});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    return make_kernel([layout = Layout(init)](const KernelRun& r) {
        float* y = r.out(0).data<float>();
        std::fill_n(y, r.out(0).numel(), 0.f);
        int64_t column = 0;
        for (std::size_t i = 0; i < r.num_inputs(); ++i) {
            const Tensor& x = r.in(i);
            const int64_t width = x.rank() == 1 ? x.dim(0) : (layout.rows == 0 ? 0 : x.numel() / layout.rows);
            const int64_t copied = std::min(width, layout.widths[i]);
            dispatch_list(TypeList<float, double, int64_t, int32_t>{}, x.dtype(), [&]<class T>() {
                for (int64_t n = 0; n < layout.rows; ++n)
                    for (int64_t j = 0; j < copied; ++j)
                        y[n * layout.total + column + j] = static_cast<float>(x.data<T>()[n * width + j]);
            });
            column += layout.widths[i];
        }
    });
}

}  // namespace

void register_ml_feature_vectorizer(OpRegistry& registry) {
    registry.add(
        {.name = "FeatureVectorizer", .domain = kDomain, .since_version = 1, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
