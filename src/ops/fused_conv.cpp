// SPDX-License-Identifier: MIT
// FusedConv (internal, domain ai.konnx; contract in src/graph/internal_ops.hpp): a float32 Conv with
// its bias, activations and residual add done in one pass over the output, and with the activation
// layouts chosen by graph::propagate_layouts. oneDNN runs it with post-ops; the reference kernel
// (optimization level 1) computes the plain convolution and applies the epilogue element by element.
#include <cmath>

#include "graph/internal_ops.hpp"
#include "ops/support/blocked_layout.hpp"
#include "ops/support/conv_shape.hpp"

namespace konnx::ops {
namespace {

using kernels::onednn::EltwiseOp;

struct Activation {
    std::string kind;  // "" = none
    float alpha = 0.f, beta = 0.f;
};

Activation read_activation(const NodeContext& ctx, const char* name, const char* params_name) {
    Activation a{ctx.attr_string(name, "")};
    const std::vector<float> params = ctx.attr_floats(params_name, {});
    const auto expect = [&](std::size_t n) {
        ctx.check(params.size() == n, name, " ", a.kind, " takes ", n, " parameters in ", params_name, ", got ",
                  params.size());
        if (n > 0) a.alpha = params[0];
        if (n > 1) a.beta = params[1];
    };
    if (a.kind.empty() || a.kind == "Relu" || a.kind == "Sigmoid" || a.kind == "HardSwish" || a.kind == "Tanh")
        expect(0);
    else if (a.kind == "LeakyRelu" || a.kind == "Elu")
        expect(1);
    else if (a.kind == "Clip" || a.kind == "HardSigmoid")
        expect(2);
    else
        ctx.fail("unknown fused ", name, " '", a.kind, "'");
    return a;
}

// oneDNN's eltwise algorithms compute the ONNX functions (HardSigmoid = clip(alpha x + beta, 0, 1)).
void append_onednn(const Activation& a, std::vector<EltwiseOp>& ops) {
    using alg = dnnl::algorithm;
    if (a.kind == "Relu") ops.push_back({alg::eltwise_relu, 0.f, 0.f});
    if (a.kind == "LeakyRelu") ops.push_back({alg::eltwise_relu, a.alpha, 0.f});
    if (a.kind == "Clip") ops.push_back({alg::eltwise_clip, a.alpha, a.beta});
    if (a.kind == "Sigmoid") ops.push_back({alg::eltwise_logistic, 0.f, 0.f});
    if (a.kind == "HardSwish") ops.push_back({alg::eltwise_hardswish, 0.f, 0.f});
    if (a.kind == "Tanh") ops.push_back({alg::eltwise_tanh, 0.f, 0.f});
    if (a.kind == "Elu") ops.push_back({alg::eltwise_elu, a.alpha, 0.f});
    if (a.kind == "HardSigmoid") {
        ops.push_back({alg::eltwise_linear, a.alpha, a.beta});
        ops.push_back({alg::eltwise_clip, 0.f, 1.f});
    }
}

// The ONNX definitions, for the reference kernel.
float apply(const Activation& a, float x) {
    if (a.kind.empty()) return x;
    if (a.kind == "Relu") return x > 0.f ? x : 0.f;
    if (a.kind == "LeakyRelu") return x >= 0.f ? x : a.alpha * x;
    if (a.kind == "Clip") return std::min(std::max(x, a.alpha), a.beta);
    if (a.kind == "Sigmoid") return 1.f / (1.f + std::exp(-x));
    if (a.kind == "HardSwish") return x * std::max(0.f, std::min(1.f, x / 6.f + 0.5f));
    if (a.kind == "Tanh") return std::tanh(x);
    if (a.kind == "Elu") return x >= 0.f ? x : a.alpha * (std::exp(x) - 1.f);
    return std::max(0.f, std::min(1.f, a.alpha * x + a.beta));  // HardSigmoid
}

struct FusedShape {
    ConvShape conv;
    ActivationLayout x_layout = ActivationLayout::kPlain, y_layout = ActivationLayout::kPlain;
    Shape y_logical;
    Activation activation, post_activation;
    bool has_sum = false;
    bool winograd = false;
};

FusedShape fused_shape(const NodeContext& ctx) {
    FusedShape f;
    f.x_layout = layout_attr(ctx, "x_layout");
    f.y_layout = layout_attr(ctx, "y_layout");
    ctx.check(ctx.input_dtype(0) == DType::kFloat32, "FusedConv runs on float32 only");
    const Shape& w = ctx.input_shape(1);
    ctx.check(w.size() >= 3, "W must have rank 3 or more, got ", shape_str(w));
    // Re-read the node with X's logical (NCHW) shape so the Conv checks apply unchanged.
    std::vector<ValueFacts> facts(ctx.num_inputs());
    for (std::size_t i = 0; i < facts.size(); ++i)
        if (ctx.has_input(i)) facts[i] = {ctx.input_dtype(i), ctx.input_shape(i), ctx.input_value(i)};
    facts[0].shape = logical_shape(ctx, facts[0].shape, f.x_layout, w[1] * ctx.attr_int("group", 1), "input X");
    f.conv = conv_shape(NodeContext(ctx.node(), ctx.opset(), facts));
    f.y_logical = {f.conv.batch, f.conv.out_channels};
    for (int64_t d : f.conv.window.model_dims(f.conv.window.out))
        f.y_logical.push_back(d);
    ctx.check(f.y_layout == ActivationLayout::kPlain || f.y_logical.size() == 4,
              "NHWC and blocked layouts are for 2-D convolutions");
    f.activation = read_activation(ctx, "activation", "activation_params");
    f.post_activation = read_activation(ctx, "post_activation", "post_activation_params");
    const std::string algorithm = ctx.attr_string("algorithm", "direct");
    ctx.check(algorithm == "direct" || algorithm == "winograd", "algorithm must be direct or winograd, got '",
              algorithm, "'");
    f.winograd = algorithm == "winograd";
    f.has_sum = ctx.has_input(3);
    if (f.has_sum) {
        const Shape expected = physical_shape(f.y_logical, f.y_layout);
        ctx.check(ctx.input_shape(3) == expected && ctx.input_dtype(3) == DType::kFloat32, "Z must be float32 ",
                  shape_str(expected), " (Y's shape and layout), got ", shape_str(ctx.input_shape(3)));
    }
    return f;
}

void infer(InferContext& ctx) {
    const FusedShape f = fused_shape(ctx);
    ctx.set_output(0, DType::kFloat32, physical_shape(f.y_logical, f.y_layout));
}

std::unique_ptr<Kernel> make_onednn(const FusedShape& f, const KernelInit& init) {
    namespace dnn = kernels::onednn;
    dnn::ConvParams p = onednn_conv_params(f.conv, init.has_input(2));
    append_onednn(f.activation, p.pre_sum);
    p.has_sum = f.has_sum;
    append_onednn(f.post_activation, p.post_sum);
    p.winograd = f.winograd;
    dnn::Layout layout = dnn::Layout::kGiven;
    if (f.x_layout == ActivationLayout::kPlain &&
        f.y_layout == ActivationLayout::kPlain) {  // as Conv: 1x1 on plain buffers, wider kernels blocked inside
        const bool pointwise = std::all_of(p.kernel.begin(), p.kernel.end(), [](int64_t k) { return k == 1; });
        layout = pointwise && p.groups == 1 ? dnn::Layout::kPlain : dnn::Layout::kAuto;
    }
    struct OneDnnFusedConv final : Kernel {
        dnn::Conv conv;
        OneDnnFusedConv(const dnn::ConvParams& p, const float* w, dnn::Layout layout, ActivationLayout x,
                        ActivationLayout y)
            : conv(p, w, layout, x, y) {}
        void run(const KernelRun& r) const override {
            conv.run(r.in(0).data<float>(), r.in(1).data<float>(), r.has_in(2) ? r.in(2).data<float>() : nullptr,
                     r.has_in(3) ? r.in(3).data<float>() : nullptr, r.out(0).data<float>(), r.scratch);
        }
        std::size_t scratch_bytes() const override { return conv.scratch_bytes(); }
    };
    const Tensor* w = init.input_value(1);
    try {
        return std::make_unique<OneDnnFusedConv>(p, w ? w->data<float>() : nullptr, layout, f.x_layout, f.y_layout);
    } catch (const dnnl::error&) {
        return nullptr;  // no oneDNN implementation: reference
    }
}

// Reference: X to plain, convolve, apply the epilogue on plain buffers, Y to its layout.
class ReferenceFusedConv final : public Kernel {
public:
    explicit ReferenceFusedConv(FusedShape f) : f_(std::move(f)) {
        x_elems_ = f_.conv.batch * f_.conv.in_channels * f_.conv.window.in_size();
        y_elems_ = f_.conv.batch * f_.conv.out_channels * f_.conv.window.out_size();
    }
    std::size_t scratch_bytes() const override {
        return static_cast<std::size_t>(x_elems_ + 2 * y_elems_) * sizeof(float);
    }
    void run(const KernelRun& r) const override {
        float* x = reinterpret_cast<float*>(r.scratch.data());
        float* y = x + x_elems_;
        float* z = y + y_elems_;
        const int64_t n = f_.conv.batch, c = f_.conv.in_channels, m = f_.conv.out_channels;
        const int64_t in_hw = f_.conv.window.in_size(), out_hw = f_.conv.window.out_size();
        const float* xp = r.in(0).data<float>();
        const bool x_plain = f_.x_layout == ActivationLayout::kPlain, y_plain = f_.y_layout == ActivationLayout::kPlain;
        if (!x_plain) to_plain(xp, x, n, c, in_hw, f_.x_layout);
        conv_reference<float>(f_.conv, x_plain ? xp : x, r.in(1).data<float>(),
                              r.has_in(2) ? r.in(2).data<float>() : nullptr, y);
        const float* zp = f_.has_sum ? r.in(3).data<float>() : nullptr;
        if (zp && !y_plain) to_plain(zp, z, n, m, out_hw, f_.y_layout), zp = z;
        for (int64_t i = 0; i < y_elems_; ++i) {
            float v = apply(f_.activation, y[i]);
            if (zp) v += zp[i];
            y[i] = apply(f_.post_activation, v);
        }
        if (!y_plain)
            from_plain(y, r.out(0).data<float>(), n, m, out_hw, f_.y_layout);
        else
            std::copy(y, y + y_elems_, r.out(0).data<float>());
    }

private:
    FusedShape f_;
    int64_t x_elems_ = 0, y_elems_ = 0;
};

std::unique_ptr<Kernel> make(const KernelInit& init) {
    FusedShape f = fused_shape(init);
    const bool empty = f.conv.batch == 0 || f.conv.out_channels == 0 || f.conv.in_channels == 0;
    if (init.optimized() && !empty)
        if (auto k = make_onednn(f, init)) return k;
    return std::make_unique<ReferenceFusedConv>(std::move(f));
}

}  // namespace

void register_fused_conv(OpRegistry& registry) {
    registry.add({.name = "FusedConv",
                  .domain = graph::kInternalDomain,
                  .since_version = 1,
                  .infer = infer,
                  .make_kernel = make,
                  .cost = conv_cost,
                  .packed_float_inputs = 1u << 1});
}

}  // namespace konnx::ops
