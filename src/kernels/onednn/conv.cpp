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

Conv::Conv(const ConvParams& p, const float* constant_weights, Layout layout) {
    const auto& eng = cpu_engine();
    src_user_ = plain_f32(concat({p.batch, p.in_channels}, p.in));
    dst_user_ = plain_f32(concat({p.batch, p.out_channels}, p.out));
    weights_user_ = user_weights_desc(p);
    if (p.has_bias) bias_md_ = plain_f32({p.out_channels});
    const auto act = [&](const dnnl::memory::desc& user) {
        return layout == Layout::kAuto ? dnnl::memory::desc(user.dims(), dt::f32, tag::any) : user;
    };
    const dnnl::memory::desc src_any = act(src_user_), dst_any = act(dst_user_);
    const dnnl::memory::desc weights_any(weights_user_.dims(), dt::f32, tag::any);
    dims dilation(p.dilation.size());
    for (std::size_t i = 0; i < dilation.size(); ++i)
        dilation[i] = p.dilation[i] - 1;  // oneDNN counts the gaps
    const auto attr = user_scratchpad_attr();
    const auto prop = dnnl::prop_kind::forward_inference;
    if (!p.transposed) {
        dnnl::convolution_forward::desc d(prop, dnnl::algorithm::convolution_direct, src_any, weights_any, bias_md_,
                                          dst_any, p.stride, dilation, p.pad_begin, p.pad_end);
        dnnl::convolution_forward::primitive_desc pd(d, attr, eng);
        pd_ = pd;
        prim_ = dnnl::convolution_forward(pd);
    } else {
        dnnl::deconvolution_forward::desc d(prop, dnnl::algorithm::deconvolution_direct, src_any, weights_any, bias_md_,
                                            dst_any, p.stride, dilation, p.pad_begin, p.pad_end);
        dnnl::deconvolution_forward::primitive_desc pd(d, attr, eng);
        pd_ = pd;
        prim_ = dnnl::deconvolution_forward(pd);
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

void Conv::run(const float* x, const float* w, const float* bias, float* y, std::span<std::byte> scratch) const {
    std::byte* base = scratch.data();
    dnnl::stream s(cpu_engine());
    dnnl::memory src = wrap(src_user_, x), dst = wrap(dst_user_, y);
    if (src_reorder_) {
        dnnl::memory tmp = wrap(src_md_, base + src_offset_);
        src_reorder_.run(s, src, tmp, base);
        src = tmp;
    }
    dnnl::memory weights = constant_weights_;
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
    execute(s, prim_, std::move(args), scratchpad_md_, base + scratchpad_offset_);
    if (dst_reorder_) dst_reorder_.run(s, out, dst, base);
    s.wait();
}

}  // namespace konnx::kernels::onednn
