// SPDX-License-Identifier: MIT
#include "ops/support/blocked_layout.hpp"

#include "core/parallel.hpp"

namespace konnx::ops {
namespace {

int64_t block_of(ActivationLayout layout) {
    return layout == ActivationLayout::kBlocked8 ? 8 : layout == ActivationLayout::kBlocked16 ? 16 : 0;
}

// Offset of element (b, ch, p) of a [n, c, hw] tensor stored in `layout`.
int64_t offset(ActivationLayout layout, int64_t c, int64_t hw, int64_t b, int64_t ch, int64_t p) {
    switch (layout) {
        case ActivationLayout::kPlain: return (b * c + ch) * hw + p;
        case ActivationLayout::kChannelsLast: return (b * hw + p) * c + ch;
        default: {
            const int64_t block = block_of(layout), cb = (c + block - 1) / block;
            return ((b * cb + ch / block) * hw + p) * block + ch % block;
        }
    }
}

}  // namespace

ActivationLayout layout_attr(const NodeContext& ctx, const char* name) {
    const std::string s = ctx.attr_string(name, "");
    if (s.empty() || s == "NCHW") return ActivationLayout::kPlain;
    if (s == "NHWC") return ActivationLayout::kChannelsLast;
    if (s == "nChw8c") return ActivationLayout::kBlocked8;
    if (s == "nChw16c") return ActivationLayout::kBlocked16;
    ctx.fail(name, " must be NCHW, NHWC, nChw8c or nChw16c, got '", s, "'");
}

const char* layout_name(ActivationLayout layout) {
    switch (layout) {
        case ActivationLayout::kPlain: return "NCHW";
        case ActivationLayout::kChannelsLast: return "NHWC";
        case ActivationLayout::kBlocked8: return "nChw8c";
        case ActivationLayout::kBlocked16: return "nChw16c";
    }
    return "NCHW";
}

std::string preferred_conv_layout() {
    const ActivationLayout layout = kernels::onednn::preferred_activation_layout();
    return layout == ActivationLayout::kPlain ? "" : layout_name(layout);
}

bool winograd_available() { return kernels::onednn::winograd_available(); }

Shape physical_shape(const Shape& logical, ActivationLayout layout) {
    if (layout == ActivationLayout::kPlain) return logical;
    if (layout == ActivationLayout::kChannelsLast) return {logical[0], logical[2], logical[3], logical[1]};
    const int64_t block = block_of(layout);
    return {logical[0], (logical[1] + block - 1) / block, logical[2], logical[3], block};
}

Shape logical_shape(const NodeContext& ctx, const Shape& physical, ActivationLayout layout, int64_t channels,
                    const char* what) {
    if (layout == ActivationLayout::kPlain) return physical;
    const std::size_t rank = layout == ActivationLayout::kChannelsLast ? 4 : 5;
    ctx.check(physical.size() == rank, what, " ", shape_str(physical), " is not a 2-D tensor in ", layout_name(layout));
    const Shape logical = layout == ActivationLayout::kChannelsLast
                              ? Shape{physical[0], channels, physical[1], physical[2]}
                              : Shape{physical[0], channels, physical[2], physical[3]};
    ctx.check(physical_shape(logical, layout) == physical, what, " ", shape_str(physical), " is not ", channels,
              " channels in ", layout_name(layout));
    return logical;
}

void from_plain(const float* plain, float* out, int64_t n, int64_t c, int64_t hw, ActivationLayout layout) {
    const int64_t block = block_of(layout), padded = block ? (c + block - 1) / block * block : c;
    parallel_for(n * padded, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            const int64_t b = i / padded, ch = i % padded;
            for (int64_t p = 0; p < hw; ++p)
                out[offset(layout, c, hw, b, ch, p)] = ch < c ? plain[(b * c + ch) * hw + p] : 0.f;
        }
    });
}

void to_plain(const float* in, float* plain, int64_t n, int64_t c, int64_t hw, ActivationLayout layout) {
    parallel_for(n * c, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            for (int64_t p = 0; p < hw; ++p)
                plain[i * hw + p] = in[offset(layout, c, hw, i / c, i % c, p)];
    });
}

}  // namespace konnx::ops
