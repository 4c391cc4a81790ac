// SPDX-License-Identifier: MIT
#include "kernels/onednn/conv.hpp"

namespace konnx::kernels::onednn {
namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

dims concat(dims a, const dims& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// ONNX weights as a oneDNN descriptor: dims [(g,) OC, IC, k...] with the strides of the ONNX buffer.
dnnl::memory::desc user_weights_desc(const ConvParams& p) {
    const int64_t ocg = p.out_channels / p.groups, icg = p.in_channels / p.groups;
    dims k_strides(p.kernel.size());
    int64_t ksize = 1;
    for (std::size_t i = p.kernel.size(); i-- > 0;) {
        k_strides[i] = ksize;
        ksize *= p.kernel[i];
    }
    dims shape, strides;
    if (!p.transposed) {  // ONNX [g*ocg, icg, k...]: row-major in (g, oc, ic, k)
        shape = {ocg, icg};
        strides = {icg * ksize, ksize};
        if (p.groups > 1) shape.insert(shape.begin(), p.groups), strides.insert(strides.begin(), ocg * icg * ksize);
    } else {  // ONNX [g*icg, ocg, k...]: element (g, oc, ic, k) sits at ((g*icg + ic)*ocg + oc)*K + k
        shape = {ocg, icg};
        strides = {ksize, ocg * ksize};
        if (p.groups > 1) shape.insert(shape.begin(), p.groups), strides.insert(strides.begin(), icg * ocg * ksize);
    }
    return {concat(shape, p.kernel), dt::f32, concat(strides, k_strides)};
}

}  // namespace

dnnl::memory::desc activation_desc(const dims& shape, ActivationLayout layout) {
    if (layout == ActivationLayout::kPlain) return plain_f32(shape);
    if (shape.size() != 4) throw dnnl::error(dnnl_unimplemented, "NHWC and blocked layouts are 2-D (NCHW)");
    const tag t = layout == ActivationLayout::kChannelsLast ? tag::nhwc
                  : layout == ActivationLayout::kBlocked8   ? tag::nChw8c
                                                            : tag::nChw16c;
    return {shape, dt::f32, t};
}

bool winograd_available() {
    static const bool available = [] {
        try {  // a ResNet 3x3 stride-1 convolution in the blocked layout Winograd needs
            const dims src{1, 64, 56, 56}, weights{64, 64, 3, 3};
            const auto act = activation_desc(src, ActivationLayout::kBlocked16);
            const dnnl::memory::desc w_any(weights, dt::f32, tag::any);
            dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_winograd,
                                              act, w_any, act, {1, 1}, {1, 1}, {1, 1});
            dnnl::convolution_forward::primitive_desc pd(d, cpu_engine());
            return true;
        } catch (const dnnl::error&) {
            return false;
        }
    }();
    return available;
}

ActivationLayout preferred_activation_layout() {
    static const ActivationLayout preferred = [] {
        // A typical ResNet 3x3 convolution with every layout left to oneDNN: what does it pick?
        try {
            const dims src{1, 64, 56, 56}, weights{64, 64, 3, 3};
            const dnnl::memory::desc any(src, dt::f32, tag::any), w_any(weights, dt::f32, tag::any);
            dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                              any, w_any, any, {1, 1}, {1, 1}, {1, 1});
            dnnl::convolution_forward::primitive_desc pd(d, cpu_engine());
            for (auto layout :
                 {ActivationLayout::kChannelsLast, ActivationLayout::kBlocked16, ActivationLayout::kBlocked8})
                if (pd.src_desc() == activation_desc(src, layout)) return layout;
        } catch (const dnnl::error&) {
        }
        return ActivationLayout::kPlain;
    }();
    return preferred;
}

namespace {

// Winograd's weight transform is costly at load (oneDNN's reorder: ~50 ms of CPU for one 512x512 3x3
// weight) and only pays back over many runs when the output is small: on ResNet50's 7x7 layer4
// convolutions it saves 0.4 ms a run (1.96 -> 1.59 ms CPU, bench/bench_conv.cpp spec 5) for ~50 ms of
// load each; at 14x14 (layer3) it saves 0.7 ms a run for ~12 ms. Below this many output pixels per
// image, direct convolution.
constexpr int64_t kWinogradMinOutputPixels = 100;

bool winograd_pays_off(const ConvParams& p) {
    int64_t pixels = 1;
    for (int64_t d : p.out)
        pixels *= d;
    return pixels >= kWinogradMinOutputPixels;
}

dnnl::post_ops make_post_ops(const ConvParams& p, const dnnl::memory::desc& sum_md, int& sum_index) {
    dnnl::post_ops ops;
    for (const auto& e : p.pre_sum)
        ops.append_eltwise(1.f, e.alg, e.alpha, e.beta);
    if (p.has_sum) {
        sum_index = ops.len();
        ops.append_binary(dnnl::algorithm::binary_add, sum_md);
    }
    for (const auto& e : p.post_sum)
        ops.append_eltwise(1.f, e.alg, e.alpha, e.beta);
    return ops;
}

}  // namespace

Conv::Conv(const ConvParams& p, const float* constant_weights, Layout layout, ActivationLayout src_layout,
           ActivationLayout dst_layout) {
    const auto& eng = cpu_engine();
    const dims src_dims = concat({p.batch, p.in_channels}, p.in), dst_dims = concat({p.batch, p.out_channels}, p.out);
    const bool given = layout == Layout::kGiven;
    src_user_ = activation_desc(src_dims, given ? src_layout : ActivationLayout::kPlain);
    dst_user_ = activation_desc(dst_dims, given ? dst_layout : ActivationLayout::kPlain);
    weights_user_ = user_weights_desc(p);
    if (p.has_bias) bias_md_ = plain_f32({p.out_channels});
    if (p.has_sum) sum_md_ = dst_user_;
    const dnnl::memory::desc weights_any(weights_user_.dims(), dt::f32, tag::any);
    dims dilation(p.dilation.size());
    for (std::size_t i = 0; i < dilation.size(); ++i)
        dilation[i] = p.dilation[i] - 1;  // oneDNN counts the gaps
    const auto attr = user_scratchpad_attr(make_post_ops(p, sum_md_, sum_post_op_index_));
    const auto prop = dnnl::prop_kind::forward_inference;
    const auto create = [&](const dnnl::memory::desc& src, const dnnl::memory::desc& dst) {
        if (!p.transposed) {
            if (p.winograd && winograd_pays_off(p)) {
                try {
                    dnnl::convolution_forward::desc d(prop, dnnl::algorithm::convolution_winograd, src, weights_any,
                                                      bias_md_, dst, p.stride, dilation, p.pad_begin, p.pad_end);
                    dnnl::convolution_forward::primitive_desc pd(d, attr, eng);
                    pd_ = pd;
                    prim_ = dnnl::convolution_forward(pd);
                    return;
                } catch (const dnnl::error&) {
                    // no Winograd kernel for this shape, layout or epilogue: direct
                }
            }
            dnnl::convolution_forward::desc d(prop, dnnl::algorithm::convolution_direct, src, weights_any, bias_md_,
                                              dst, p.stride, dilation, p.pad_begin, p.pad_end);
            dnnl::convolution_forward::primitive_desc pd(d, attr, eng);
            pd_ = pd;
            prim_ = dnnl::convolution_forward(pd);
        } else {
            dnnl::deconvolution_forward::desc d(prop, dnnl::algorithm::deconvolution_direct, src, weights_any, bias_md_,
                                                dst, p.stride, dilation, p.pad_begin, p.pad_end);
            dnnl::deconvolution_forward::primitive_desc pd(d, attr, eng);
            pd_ = pd;
            prim_ = dnnl::deconvolution_forward(pd);
        }
    };
    const auto any = [](const dnnl::memory::desc& user) { return dnnl::memory::desc(user.dims(), dt::f32, tag::any); };
    if (layout == Layout::kPlain) {
        create(src_user_, dst_user_);
    } else if (layout == Layout::kAuto) {
        create(any(src_user_), any(dst_user_));
    } else {
        create(src_user_, dst_user_);
        // The given layouts only reach a reference implementation: let oneDNN choose and reorder
        // (correct everywhere; propagate_layouts avoids this for the convolutions it blocks).
        if (impl_name().rfind("ref", 0) == 0) create(any(src_user_), any(dst_user_));
    }
    src_md_ = pd_.src_desc();
    dst_md_ = pd_.dst_desc();
    weights_md_ = pd_.weights_desc();
    scratchpad_md_ = pd_.scratchpad_desc();

    ScratchLayout scratch;
    scratchpad_offset_ = scratch.add(scratchpad_md_.get_size());
    if (src_md_ != src_user_) {
        src_offset_ = scratch.add(src_md_.get_size());
        src_reorder_ = Reorder(src_user_, src_md_, scratch);
    }
    if (dst_md_ != dst_user_) {
        dst_offset_ = scratch.add(dst_md_.get_size());
        dst_reorder_ = Reorder(dst_md_, dst_user_, scratch);
    }
    if (constant_weights) {
        constant_weights_ = reorder_constant(weights_user_, constant_weights, weights_md_);
    } else if (weights_md_ != weights_user_) {
        weights_offset_ = scratch.add(weights_md_.get_size());
        weights_reorder_ = Reorder(weights_user_, weights_md_, scratch);
    }
    scratch_bytes_ = scratch.total();
}

std::string Conv::impl_name() const { return pd_.impl_info_str(); }

void Conv::run(const float* x, const float* w, const float* bias, const float* z, float* y,
               std::span<std::byte> scratch) const {
    std::byte* base = scratch.data();
    dnnl::stream& s = thread_stream();
    dnnl::memory src = wrap(src_user_, x), dst = wrap(dst_user_, y);
    if (src_reorder_) {
        dnnl::memory tmp = wrap(src_md_, base + src_offset_);
        src_reorder_.run(s, src, tmp, base);
        src = tmp;
    }
    dnnl::memory weights = constant_weights_.memory;
    if (!weights) {
        weights = wrap(weights_user_, w);
        if (weights_reorder_) {
            dnnl::memory tmp = wrap(weights_md_, base + weights_offset_);
            weights_reorder_.run(s, weights, tmp, base);
            weights = tmp;
        }
    }
    dnnl::memory out = dst_reorder_ ? wrap(dst_md_, base + dst_offset_) : dst;
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, out}};
    if (bias) args.emplace(DNNL_ARG_BIAS, wrap(bias_md_, bias));
    if (sum_post_op_index_ >= 0)
        args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(sum_post_op_index_) | DNNL_ARG_SRC_1, wrap(sum_md_, z));
    execute(s, prim_, std::move(args), scratchpad_md_, base + scratchpad_offset_);
    if (dst_reorder_) dst_reorder_.run(s, out, dst, base);
    s.wait();
}

}  // namespace konnx::kernels::onednn
