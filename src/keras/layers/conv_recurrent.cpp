// SPDX-License-Identifier: MIT
// ConvLSTM2D, unrolled over its (static) time steps: ONNX has no convolutional LSTM, and a Loop would hide
// the structure. The input convolution of every step runs as one Conv on (N*T, C, H, W); each step then adds
// the recurrent convolution (always 'same', stride 1) of h and applies Keras's gates i, f, c, o:
//   i = ra(xi + hi), f = ra(xf + hf), c = f*c + i*a(xc + hc), o = ra(xo + ho), h = o*a(c).
// Initial states (h0, c0: positional inputs or `initial_state`) start the recurrence; return_state adds the
// last h and c as the layer's second and third outputs.
#include "keras/convert_context.hpp"
#include "keras/tensor_util.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

std::string act(ConvertContext& ctx, const std::string& v, const std::string& name) {
    KTensor t;
    t.value = v;
    t.perm = {0, 1, 2, 3};
    t.shape = {-1, -1, -1, -1};
    return ctx.activation(t, name).value;
}

void conv_lstm2d(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    if (x.rank() != 5) ctx.invalid("expects a rank-5 input (batch, time, rows, cols, channels)");
    if (ctx.flag("stateful", false)) ctx.unsupported("stateful=True");
    const bool cf = ctx.channels_first();
    const int64_t f = ctx.i64("filters", 0);
    const auto k = ctx.ints("kernel_size", 2, 1);
    const auto s = ctx.ints("strides", 2, 1);
    const auto d = ctx.ints("dilation_rate", 2, 1);
    const std::string padding = to_lower(ctx.str("padding", "valid"));
    if (padding != "valid" && padding != "same") ctx.unsupported("padding '" + padding + "'");
    const bool use_bias = ctx.flag("use_bias", true);
    ctx.expect_weights({use_bias ? 3u : 2u});
    const Tensor& kernel = ctx.weight(0);  // (kh, kw, C, 4f)
    const Tensor& rec = ctx.weight(1);     // (kh, kw, f, 4f)
    if (kernel.rank() != 4 || kernel.dim(3) != 4 * f || rec.rank() != 4 || rec.dim(2) != f || rec.dim(3) != 4 * f)
        ctx.invalid("kernel shapes do not match filters");
    // Physical [N, T, C, H, W].
    const std::vector<int> perm = cf ? std::vector<int>{0, 1, 2, 3, 4} : std::vector<int>{0, 1, 4, 2, 3};
    const int64_t T = x.shape[1];
    const int64_t C = x.shape[cf ? 2 : 4], H = x.shape[cf ? 3 : 2], W = x.shape[cf ? 4 : 3];
    if (T <= 0 || C <= 0 || H <= 0 || W <= 0) ctx.unsupported("ConvLSTM2D with unknown time steps or sizes");
    if (T > 1024) ctx.unsupported("ConvLSTM2D with more than 1024 time steps (unrolled)");
    const std::string folded = ctx.emit1("Reshape", {ctx.as_perm(x, perm), ctx.const_i64({-1, C, H, W}, "fold")});
    std::vector<int64_t> pads(4, 0);
    int64_t Ho = conv_output_length(H, k[0], padding, s[0], d[0]),
            Wo = conv_output_length(W, k[1], padding, s[1], d[1]);
    auto same_pads = [&](int64_t in, int64_t kk, int64_t ss, int64_t dd, int64_t& b, int64_t& e) {
        const int64_t keff = (kk - 1) * dd + 1, out = (in + ss - 1) / ss;
        const int64_t total = std::max<int64_t>(0, (out - 1) * ss + keff - in);
        b = total / 2;
        e = total - b;
    };
    if (padding == "same") {
        same_pads(H, k[0], s[0], d[0], pads[0], pads[2]);
        same_pads(W, k[1], s[1], d[1], pads[1], pads[3]);
    }
    std::vector<std::string> xin = {folded, ctx.add_initializer(permute(kernel, {3, 2, 0, 1}), "kernel")};
    if (use_bias) xin.push_back(ctx.add_initializer(ctx.weight(2), "bias"));
    const std::string xc = ctx.emit1("Conv", xin,
                                     {{"kernel_shape", Attribute::of_ints(k)},
                                      {"strides", Attribute::of_ints(s)},
                                      {"dilations", Attribute::of_ints(d)},
                                      {"pads", Attribute::of_ints(pads)}});
    const std::string xs = ctx.emit1("Reshape", {xc, ctx.const_i64({-1, T, 4 * f, Ho, Wo}, "unfold")});
    const auto steps = ctx.emit("Split", {xs}, {{"axis", Attribute::of_int(1)}}, static_cast<std::size_t>(T));
    // Recurrent conv: 'same' padding with the layer's dilation, stride 1.
    std::vector<int64_t> rp(4, 0);
    same_pads(Ho, k[0], 1, d[0], rp[0], rp[2]);
    same_pads(Wo, k[1], 1, d[1], rp[1], rp[3]);
    const std::string U = ctx.add_initializer(permute(rec, {3, 2, 0, 1}), "recurrent_kernel");
    const std::string ra = ctx.str("recurrent_activation", ctx.keras_major() >= 3 ? "sigmoid" : "hard_sigmoid");
    const std::string a = ctx.str("activation", "tanh");
    const bool back = ctx.flag("go_backwards", false);
    // States live as physical [N, f, Ho, Wo], like each step's h.
    const std::vector<int> state_perm = cf ? std::vector<int>{0, 1, 2, 3} : std::vector<int>{0, 3, 1, 2};
    const Shape state_shape = cf ? Shape{x.shape[0], f, Ho, Wo} : Shape{x.shape[0], Ho, Wo, f};
    std::vector<KTensor> initial(ctx.inputs().begin() + 1, ctx.inputs().end());
    for (const auto& t : ctx.kwarg_tensors("initial_state"))
        initial.push_back(t);
    if (!initial.empty() && initial.size() != 2)
        ctx.invalid(cat("takes 2 initial states (h, c), got ", initial.size()));
    std::string h, c;
    for (std::size_t i = 0; i < initial.size(); ++i) {
        const KTensor& s0 = initial[i];
        if (s0.rank() != 4 || (s0.shape[1] > 0 && s0.shape[1] != state_shape[1]) ||
            (s0.shape[2] > 0 && s0.shape[2] != state_shape[2]) || (s0.shape[3] > 0 && s0.shape[3] != state_shape[3]))
            ctx.invalid(
                cat("initial state ", i, " has shape ", shape_str(s0.shape), ", expected ", shape_str(state_shape)));
        (i == 0 ? h : c) = ctx.as_perm(s0, state_perm);
    }
    std::vector<std::string> hs;
    for (int64_t t = 0; t < T; ++t) {
        std::string z = ctx.emit1("Squeeze", {steps[static_cast<std::size_t>(back ? T - 1 - t : t)],
                                              ctx.const_i64({1}, "axes")});  // [N, 4f, Ho, Wo]
        if (!h.empty())
            z = ctx.emit1("Add", {z, ctx.emit1("Conv", {h, U},
                                               {{"kernel_shape", Attribute::of_ints(k)},
                                                {"dilations", Attribute::of_ints(d)},
                                                {"pads", Attribute::of_ints(rp)}})});
        const auto g = ctx.emit("Split", {z}, {{"axis", Attribute::of_int(1)}}, 4);
        const std::string i = act(ctx, g[0], ra), fg = act(ctx, g[1], ra), o = act(ctx, g[3], ra);
        const std::string cand = ctx.emit1("Mul", {i, act(ctx, g[2], a)});
        c = c.empty() ? cand : ctx.emit1("Add", {ctx.emit1("Mul", {fg, c}), cand});
        h = ctx.emit1("Mul", {o, act(ctx, c, a)});
        hs.push_back(h);
    }
    KTensor y;
    if (ctx.flag("return_sequences", false)) {
        std::vector<std::string> u;
        for (const auto& v : hs)
            u.push_back(ctx.emit1("Unsqueeze", {v, ctx.const_i64({1}, "axes")}));
        y.value = u.size() == 1 ? u[0] : ctx.emit1("Concat", u, {{"axis", Attribute::of_int(1)}});
        y.perm = perm;
        y.shape = cf ? Shape{x.shape[0], T, f, Ho, Wo} : Shape{x.shape[0], T, Ho, Wo, f};
    } else {
        y.value = h;
        y.perm = cf ? std::vector<int>{0, 1, 2, 3} : std::vector<int>{0, 3, 1, 2};
        y.shape = cf ? Shape{x.shape[0], f, Ho, Wo} : Shape{x.shape[0], Ho, Wo, f};
    }
    if (!ctx.flag("return_state", false)) return ctx.set_output(y);
    auto state = [&](const std::string& v) {
        KTensor t;
        t.value = v;
        t.perm = state_perm;
        t.shape = state_shape;
        return t;
    };
    ctx.set_outputs({y, state(h), state(c)});
}

}  // namespace

void register_conv_recurrent(LayerRegistry& r) { r.add("ConvLSTM2D", conv_lstm2d); }

}  // namespace konnx::keras
