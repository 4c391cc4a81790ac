// SPDX-License-Identifier: MIT
// NonMaxSuppression (ONNX opsets 10, 11): per batch and class, greedy selection of boxes by descending score
// (ties: lower box index first) among those with score > score_threshold, dropping each box whose IoU with an
// already selected one exceeds iou_threshold, at most max_output_boxes_per_class per class (absent or 0:
// none). Output selected_indices int64 [count, 3] of (batch, class, box), ordered by batch, class, selection.
// boxes [B, n, 4] are corners [y1, x1, y2, x2] in either order (center_point_box = 0) or
// [x_center, y_center, width, height] (center_point_box = 1); scores [B, classes, n].
// The count depends on the data, so the inputs must be known (the planner uses dynamic mode otherwise).
#include <algorithm>
#include <numeric>

#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

struct Corners {
    float y1, x1, y2, x2;
};

Corners corners(const float* b, bool center_point) {
    if (center_point) {
        const float xc = b[0], yc = b[1], w = b[2], h = b[3];
        return {yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2};
    }
    return {std::min(b[0], b[2]), std::min(b[1], b[3]), std::max(b[0], b[2]), std::max(b[1], b[3])};
}

bool suppresses(const Corners& a, const Corners& b, float iou_threshold) {
    const float area_a = (a.y2 - a.y1) * (a.x2 - a.x1), area_b = (b.y2 - b.y1) * (b.x2 - b.x1);
    if (area_a <= 0 || area_b <= 0) return false;
    const float ih = std::max(0.0f, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
    const float iw = std::max(0.0f, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
    const float inter = ih * iw;
    return inter / (area_a + area_b - inter) > iou_threshold;
}

float scalar_float(const Tensor* t, float fallback) {
    return t && t->defined() && t->numel() == 1 ? t->data<float>()[0] : fallback;
}

/// The selected (batch, class, box) triples, flattened.
std::vector<int64_t> select(const Tensor& boxes, const Tensor& scores, const Tensor* max_out, const Tensor* iou,
                            const Tensor* score_threshold, bool center_point) {
    const int64_t batches = boxes.shape()[0], n = boxes.shape()[1], classes = scores.shape()[1];
    const int64_t max_per_class = max_out && max_out->defined() && max_out->numel() == 1 ? int_values(*max_out)[0] : 0;
    const float iou_threshold = scalar_float(iou, 0.0f);
    const bool has_score_threshold = score_threshold && score_threshold->defined() && score_threshold->numel() == 1;
    const float min_score = scalar_float(score_threshold, 0.0f);
    std::vector<int64_t> selected;
    if (max_per_class <= 0) return selected;
    std::vector<Corners> box(static_cast<std::size_t>(n));
    std::vector<int64_t> order;
    std::vector<int64_t> kept;
    for (int64_t b = 0; b < batches; ++b) {
        for (int64_t i = 0; i < n; ++i)
            box[i] = corners(boxes.data<float>() + (b * n + i) * 4, center_point);
        for (int64_t c = 0; c < classes; ++c) {
            const float* s = scores.data<float>() + (b * classes + c) * n;
            order.clear();
            for (int64_t i = 0; i < n; ++i)
                if (!has_score_threshold || s[i] > min_score) order.push_back(i);
            std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
            kept.clear();
            for (int64_t i : order) {
                if (static_cast<int64_t>(kept.size()) >= max_per_class) break;
                const bool drop = std::any_of(kept.begin(), kept.end(),
                                              [&](int64_t k) { return suppresses(box[k], box[i], iou_threshold); });
                if (drop) continue;
                kept.push_back(i);
                selected.insert(selected.end(), {b, c, i});
            }
        }
    }
    return selected;
}

const Tensor* optional_value(const NodeContext& ctx, std::size_t i) {
    return ctx.has_input(i) ? &ctx.require_value(i) : nullptr;
}

void infer(InferContext& ctx) {
    ctx.check(ctx.has_input(0) && ctx.has_input(1), "expects inputs boxes and scores");
    const Shape& boxes = ctx.input_shape(0);
    const Shape& scores = ctx.input_shape(1);
    ctx.check(ctx.input_dtype(0) == DType::kFloat32 && ctx.input_dtype(1) == DType::kFloat32,
              "boxes and scores must be float32");
    ctx.check(boxes.size() == 3 && boxes[2] == 4, "boxes must be [batches, boxes, 4], got ", shape_str(boxes));
    ctx.check(scores.size() == 3 && scores[0] == boxes[0] && scores[2] == boxes[1],
              "scores must be [batches, classes, boxes] matching boxes ", shape_str(boxes), ", got ",
              shape_str(scores));
    ctx.check(!ctx.has_input(2) || ctx.input_dtype(2) == DType::kInt64, "max_output_boxes_per_class must be int64");
    for (std::size_t i = 3; i < 5; ++i)
        ctx.check(!ctx.has_input(i) || ctx.input_dtype(i) == DType::kFloat32, "thresholds must be float32");
    const int64_t center = ctx.attr_int("center_point_box", 0);
    ctx.check(center == 0 || center == 1, "center_point_box must be 0 or 1, got ", center);
    const auto selected = select(ctx.require_value(0), ctx.require_value(1), optional_value(ctx, 2),
                                 optional_value(ctx, 3), optional_value(ctx, 4), center == 1);
    ctx.set_output(0, DType::kInt64, {static_cast<int64_t>(selected.size() / 3), 3});
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const bool center_point = init.attr_int("center_point_box", 0) == 1;
    return make_kernel([center_point](const KernelRun& r) {
        auto opt = [&](std::size_t i) { return r.has_in(i) ? &r.in(i) : nullptr; };
        const auto selected = select(r.in(0), r.in(1), opt(2), opt(3), opt(4), center_point);
        const auto count = std::min<int64_t>(static_cast<int64_t>(selected.size()), r.out(0).numel());
        std::copy_n(selected.begin(), count, r.out(0).data<int64_t>());
    });
}

}  // namespace

void register_non_max_suppression(OpRegistry& registry) {
    registry.add({.name = "NonMaxSuppression", .since_version = 10, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
