// SPDX-License-Identifier: MIT
// AffineGrid (ONNX opset 20): the sampling grid of torch.nn.functional.affine_grid. For size = [N, C, H, W]
// (2-D, theta [N, 2, 3]) or [N, C, D, H, W] (3-D, theta [N, 3, 4]) the output [N, (D,) H, W, 2 or 3] holds
// theta[n] times the homogeneous base position (x, y, (z,) 1), whose coordinates run from -1 to 1 over each
// axis: through the corner pixels' centers with align_corners = 1 (an axis of length 1 gives -1), or their
// outer edges with align_corners = 0 (default: centers at (2i + 1) / L - 1). x is the last axis (W).
#include "core/parallel.hpp"
#include "ops/support/elementwise_math.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

Shape spatial(const NodeContext& ctx) {
    ctx.check(ctx.input_rank(1) == 1, "size must be a 1-D tensor");
    const auto size = int_values(ctx.require_value(1));
    ctx.check(size.size() == 4 || size.size() == 5, "size must be [N, C, H, W] or [N, C, D, H, W], got ", size.size(),
              " values");
    for (int64_t v : size)
        ctx.check(v >= 0, "size values must be >= 0");
    const std::size_t dims = size.size() - 2;
    const Shape want{size[0], static_cast<int64_t>(dims), static_cast<int64_t>(dims + 1)};
    ctx.check(ctx.input_shape(0) == want, "theta must have shape ", shape_str(want), " for size ", shape_str(size),
              ", got ", shape_str(ctx.input_shape(0)));
    return Shape(size.begin() + 2, size.end());
}

void infer(InferContext& ctx) {
    ctx.check(ctx.num_inputs() == 2, "expects 2 inputs (theta, size)");
    check_dtype_in<FloatHalfTypes>(ctx, 0);
    const Shape sp = spatial(ctx);
    Shape out{ctx.input_shape(0)[0]};
    out.insert(out.end(), sp.begin(), sp.end());
    out.push_back(static_cast<int64_t>(sp.size()));
    checked_numel(out);
    ctx.set_output(0, ctx.input_dtype(0), out);
}

double base_coordinate(int64_t i, int64_t length, bool align_corners) {
    if (align_corners)
        return length == 1 ? -1.0 : -1.0 + 2.0 * static_cast<double>(i) / static_cast<double>(length - 1);
    return (2.0 * static_cast<double>(i) + 1.0) / static_cast<double>(length) - 1.0;
}

template <class T>
void affine_grid(const Tensor& theta_t, const Shape& sp, bool align_corners, Tensor& out_t) {
    const auto dims = static_cast<int64_t>(sp.size());
    const int64_t batch = theta_t.dim(0), points = product(sp);
    const T* theta = theta_t.data<T>();
    T* out = out_t.data<T>();
    parallel_for(batch * points, 256, [&](int64_t begin, int64_t end) {
        for (int64_t at = begin; at < end; ++at) {
            const int64_t n = at / points;
            double base[4] = {0, 0, 0, 1};  // x, y, (z,) 1: the last spatial axis first
            for (int64_t rest = at % points, d = dims; d-- > 0;) {
                base[dims - 1 - d] = base_coordinate(rest % sp[d], sp[d], align_corners);
                rest /= sp[d];
            }
            base[dims] = 1;
            const T* th = theta + n * dims * (dims + 1);
            for (int64_t k = 0; k < dims; ++k) {
                double v = 0;
                for (int64_t j = 0; j <= dims; ++j)
                    v += static_cast<double>(widen(th[k * (dims + 1) + j])) * base[j];
                out[at * dims + k] = narrow<T>(v);
            }
        }
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const bool align_corners = init.attr_int("align_corners", 0) != 0;
    return make_kernel([sp = spatial(init), align_corners](const KernelRun& r) {
        dispatch_list(FloatHalfTypes{}, r.in(0).dtype(),
                      [&]<class T>() { affine_grid<T>(r.in(0), sp, align_corners, r.out(0)); });
    });
}

}  // namespace

void register_affine_grid(OpRegistry& registry) {
    registry.add({.name = "AffineGrid", .since_version = 20, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
