// SPDX-License-Identifier: MIT
// SimpleRNN, GRU (reset_after true -> linear_before_reset=1, false -> 0), LSTM (Keras gates i,f,c,o ->
// ONNX i,o,f,c) and Bidirectional (merge_mode concat/sum/mul/ave/None) as ONNX RNN/GRU/LSTM nodes, never
// Loop. return_sequences, return_state, go_backwards, initial states and Masking-derived sequence lengths
// (exact for trailing padding) are handled. hard_sigmoid is 0.2x+0.5 before Keras 3 and x/6+0.5 from 3 on.
#include <limits>

#include "keras/convert_context.hpp"
#include "keras/tensor_util.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;
using Attrs = std::vector<std::pair<std::string, Attribute>>;

struct Cell {
    std::string op;  // LSTM, GRU, RNN
    int gates = 1;
    int64_t units = 0;
    bool return_sequences = false, return_state = false, go_backwards = false;
    bool linear_before_reset = false;
    std::vector<std::string> acts;  // ONNX activation names for one direction
    std::vector<float> alphas, betas;
    Tensor W, R, B;  // one direction: (G*u, in), (G*u, u), (2*G*u) or undefined
};

/// Reorders column blocks of a (rows, G*u) matrix: block j of the result is block order[j] of the input.
Tensor reorder_blocks(const Tensor& t, const std::vector<int>& order, int64_t units) {
    const int axis = static_cast<int>(t.rank()) - 1;
    std::vector<Tensor> parts;
    for (int b : order)
        parts.push_back(slice(t, axis, b * units, (b + 1) * units));
    return concat(parts, axis);
}

std::string default_recurrent_activation(const ConvertContext& ctx) {
    const std::string& v = ctx.keras_version();
    if (ctx.keras_major() >= 3 || v.find("-tf") != std::string::npos) return "sigmoid";
    if (ctx.keras_major() <= 1) return "hard_sigmoid";
    const int minor = v.size() >= 3 ? std::atoi(v.c_str() + 2) : 0;
    return minor >= 3 ? "sigmoid" : "hard_sigmoid";
}

void add_act(ConvertContext& ctx, Cell& c, const std::string& keras_name) {
    const std::string a = to_lower(keras_name);
    if (a == "tanh")
        c.acts.push_back("Tanh");
    else if (a == "sigmoid")
        c.acts.push_back("Sigmoid");
    else if (a == "relu")
        c.acts.push_back("Relu");
    else if (a == "softsign")
        c.acts.push_back("Softsign");
    else if (a == "softplus")
        c.acts.push_back("Softplus");
    else if (a == "linear" || a.empty()) {
        c.acts.push_back("Affine");
        c.alphas.push_back(1.0f);
        c.betas.push_back(0.0f);
    } else if (a == "hard_sigmoid") {
        c.acts.push_back("HardSigmoid");
        c.alphas.push_back(ctx.keras_major() >= 3 ? 1.0f / 6.0f : 0.2f);
        c.betas.push_back(0.5f);
    } else if (a == "elu") {
        c.acts.push_back("Elu");
        c.alphas.push_back(1.0f);
    } else {
        ctx.unsupported("recurrent activation '" + keras_name + "'");
    }
}

/// Reads a Keras recurrent layer (the context's current layer config) and weights[first...].
Cell read_cell(ConvertContext& ctx, const std::string& cls, const std::vector<Tensor>& w, std::size_t first) {
    Cell c;
    c.units = ctx.i64("units", 0);
    if (c.units <= 0) ctx.invalid("units must be positive");
    c.return_sequences = ctx.flag("return_sequences", false);
    c.return_state = ctx.flag("return_state", false);
    c.go_backwards = ctx.flag("go_backwards", false);
    if (ctx.flag("stateful", false)) ctx.unsupported("stateful=True");
    if (ctx.flag("time_major", false)) ctx.unsupported("time_major=True");
    const bool use_bias = ctx.flag("use_bias", true);
    const std::size_t n = use_bias ? 3 : 2;
    if (w.size() < first + n)
        ctx.invalid(cat("expects ", n, " weights per direction, the file has ", w.size() - first));
    const Tensor& kernel = w[first];
    const Tensor& rec = w[first + 1];
    std::vector<int> order;
    if (cls == "LSTM") {
        c.op = "LSTM", c.gates = 4, order = {0, 3, 1, 2};
    } else if (cls == "GRU") {
        c.op = "GRU", c.gates = 3, order = {0, 1, 2};
    } else {
        c.op = "RNN", c.gates = 1, order = {0};
    }
    const int64_t gu = c.gates * c.units;
    if (kernel.rank() != 2 || kernel.dim(1) != gu || rec.rank() != 2 || rec.dim(0) != c.units || rec.dim(1) != gu)
        ctx.invalid(cat("kernel ", shape_str(kernel.shape()), " / recurrent kernel ", shape_str(rec.shape()),
                        " do not match units=", c.units));
    c.W = permute(reorder_blocks(kernel, order, c.units), {1, 0});
    c.R = permute(reorder_blocks(rec, order, c.units), {1, 0});
    if (use_bias) {
        const Tensor& b = w[first + 2];
        Tensor wb, rb;
        if (cls == "GRU" && b.rank() == 2 && b.dim(0) == 2 && b.dim(1) == gu) {  // reset_after: input and recurrent
            wb = slice(b, 0, 0, 1).reshaped({gu});
            rb = slice(b, 0, 1, 2).reshaped({gu});
        } else if (b.numel() == gu) {
            wb = b.reshaped({gu});
            rb = Tensor::zeros(DType::kFloat32, {gu});
        } else {
            ctx.invalid(cat("bias ", shape_str(b.shape()), " does not match units=", c.units));
        }
        c.B = concat({reorder_blocks(wb, order, c.units), reorder_blocks(rb, order, c.units)}, 0);
    }
    if (cls == "GRU") {
        const bool reset_after = ctx.flag("reset_after", ctx.keras_major() >= 3);
        c.linear_before_reset = reset_after;
        if (use_bias && reset_after && !(w[first + 2].rank() == 2))
            ctx.invalid("reset_after=True needs a (2, 3*units) bias");
    }
    const std::string act = ctx.str("activation", "tanh");
    if (c.op == "RNN") {
        add_act(ctx, c, act);
    } else {
        add_act(ctx, c, ctx.str("recurrent_activation", default_recurrent_activation(ctx)));
        add_act(ctx, c, act);
        if (c.op == "LSTM") add_act(ctx, c, act);
    }
    return c;
}

Tensor stack2(const Tensor& a, const Tensor& b) {
    Shape s = a.shape();
    s.insert(s.begin(), 1);
    return concat({a.reshaped(s), b.reshaped(s)}, 0);
}
Tensor stack1(const Tensor& a) {
    Shape s = a.shape();
    s.insert(s.begin(), 1);
    return a.reshaped(s);
}

/// Time-major (X [T,N,C], Y [T,D,N,H], Y_h [D,N,H]) or batch-first with layout=1 (X [N,T,C], Y [N,T,D,H],
/// Y_h [N,D,H]); see emit_rnn for why batch-first is off.
struct RnnOut {
    std::string Y, Y_h, Y_c;
    bool bf = false;
    int64_t y_dir() const { return bf ? 2 : 1; }
    int64_t y_time() const { return bf ? 1 : 0; }
    int64_t h_dir() const { return bf ? 1 : 0; }
};

/// Emits the ONNX node. `fw` (and `bw` for bidirectional) hold the weights; states are [dirs, N, H].
RnnOut emit_rnn(ConvertContext& ctx, const KTensor& x, const Cell& fw, const Cell* bw, const std::string& direction,
                const std::vector<std::string>& init_h, const std::vector<std::string>& init_c) {
    if (x.rank() != 3) ctx.invalid(cat("expects a rank-3 input (batch, time, features), got rank ", x.rank()));
    // ONNX opset 14 allows layout=1 (batch-first, no Transposes), but onnxruntime's CPU kernels refuse it
    // ("Batchwise recurrent operations (layout == 1) are not supported"), so time-major it stays.
    const bool bf = false;
    const std::string xv = bf ? ctx.as_keras(x) : ctx.as_perm(x, {1, 0, 2});
    std::vector<std::string> ins = {xv};
    ins.push_back(ctx.add_initializer(bw ? stack2(fw.W, bw->W) : stack1(fw.W), "W"));
    ins.push_back(ctx.add_initializer(bw ? stack2(fw.R, bw->R) : stack1(fw.R), "R"));
    const bool has_b = fw.B.defined() || (bw && bw->B.defined());
    if (has_b) {
        auto b_or_zero = [&](const Cell& c) {
            return c.B.defined() ? c.B : Tensor::zeros(DType::kFloat32, {2 * c.gates * c.units});
        };
        ins.push_back(ctx.add_initializer(bw ? stack2(b_or_zero(fw), b_or_zero(*bw)) : stack1(b_or_zero(fw)), "B"));
    } else {
        ins.push_back("");
    }
    ins.push_back(x.seq_lens);
    auto state = [&](const std::vector<std::string>& parts) -> std::string {
        if (parts.empty()) return "";
        std::vector<std::string> u;
        for (const auto& p : parts)
            u.push_back(ctx.emit1("Unsqueeze", {p, ctx.const_i64({bf ? 1 : 0}, "axes")}));
        return u.size() == 1 ? u[0] : ctx.emit1("Concat", u, {{"axis", Attribute::of_int(bf ? 1 : 0)}});
    };
    ins.push_back(state(init_h));
    if (fw.op == "LSTM") ins.push_back(state(init_c));
    while (!ins.empty() && ins.back().empty())
        ins.pop_back();
    Attrs a = {{"hidden_size", Attribute::of_int(fw.units)}, {"direction", Attribute::of_string(direction)}};
    std::vector<std::string> acts = fw.acts;
    std::vector<float> alphas = fw.alphas, betas = fw.betas;
    if (bw) {
        acts.insert(acts.end(), bw->acts.begin(), bw->acts.end());
        alphas.insert(alphas.end(), bw->alphas.begin(), bw->alphas.end());
        betas.insert(betas.end(), bw->betas.begin(), bw->betas.end());
    }
    a.push_back({"activations", Attribute::of_strings(acts)});
    if (!alphas.empty()) a.push_back({"activation_alpha", Attribute::of_floats(alphas)});
    if (!betas.empty()) a.push_back({"activation_beta", Attribute::of_floats(betas)});
    if (fw.op == "GRU") a.push_back({"linear_before_reset", Attribute::of_int(fw.linear_before_reset ? 1 : 0)});
    if (bf) a.push_back({"layout", Attribute::of_int(1)});
    auto outs = ctx.emit(fw.op, ins, a, fw.op == "LSTM" ? 3 : 2);
    RnnOut r{outs[0], outs[1], fw.op == "LSTM" ? outs[2] : "", bf};
    return r;
}

std::string squeeze(ConvertContext& ctx, const std::string& v, int64_t axis) {
    return ctx.emit1("Squeeze", {v, ctx.const_i64({axis}, "axes")});
}

std::string reverse_time(ConvertContext& ctx, const std::string& v, int64_t axis) {
    return ctx.emit1("Slice",
                     {v, ctx.const_i64({-1}, "starts"), ctx.const_i64({std::numeric_limits<int64_t>::min()}, "ends"),
                      ctx.const_i64({axis}, "axes"), ctx.const_i64({-1}, "steps")});
}

/// Physical [T, N, width] (time-major) or [N, T, width] (batch-first).
KTensor seq_tensor(const std::string& v, const KTensor& x, int64_t width, bool bf) {
    KTensor t;
    t.value = v;
    t.perm = bf ? std::vector<int>{0, 1, 2} : std::vector<int>{1, 0, 2};
    t.shape = {x.shape[0], x.shape[1], width};
    return t;
}

KTensor vec_tensor(const std::string& v, const KTensor& x, int64_t width) {
    KTensor t;
    t.value = v;
    t.perm = {0, 1};
    t.shape = {x.shape[0], width};
    return t;
}

/// Initial states: extra positional inputs or the initial_state kwarg.
std::vector<KTensor> initial_states(ConvertContext& ctx) {
    std::vector<KTensor> s(ctx.inputs().begin() + 1, ctx.inputs().end());
    auto kw = ctx.kwarg_tensors("initial_state");
    s.insert(s.end(), kw.begin(), kw.end());
    return s;
}

void recurrent(ConvertContext& ctx) {
    const std::string& cls = ctx.layer().class_name;
    const KTensor& x = ctx.input();
    Cell c = read_cell(ctx, cls, ctx.layer().weights, 0);
    const std::size_t n = ctx.flag("use_bias", true) ? 3 : 2;
    if (ctx.num_weights() != n) ctx.invalid(cat("expects ", n, " weights, the file has ", ctx.num_weights()));
    auto states = initial_states(ctx);
    std::vector<std::string> h, cc;
    if (!states.empty()) {
        if (states.size() != (c.op == "LSTM" ? 2u : 1u)) ctx.invalid("wrong number of initial states");
        h.push_back(ctx.as_keras(states[0]));
        if (c.op == "LSTM") cc.push_back(ctx.as_keras(states[1]));
    }
    RnnOut r = emit_rnn(ctx, x, c, nullptr, c.go_backwards ? "reverse" : "forward", h, cc);
    std::vector<KTensor> outs;
    if (c.return_sequences) {
        std::string y = squeeze(ctx, r.Y, r.y_dir());
        if (c.go_backwards) y = reverse_time(ctx, y, r.y_time());
        outs.push_back(seq_tensor(y, x, c.units, r.bf));
    } else {
        outs.push_back(vec_tensor(squeeze(ctx, r.Y_h, r.h_dir()), x, c.units));
    }
    if (c.return_state) {
        outs.push_back(vec_tensor(c.return_sequences ? squeeze(ctx, r.Y_h, r.h_dir()) : outs[0].value, x, c.units));
        if (c.op == "LSTM") outs.push_back(vec_tensor(squeeze(ctx, r.Y_c, r.h_dir()), x, c.units));
    }
    outs[0].seq_lens = c.return_sequences ? x.seq_lens : "";
    ctx.set_outputs(outs);
}

void bidirectional(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    const json& inner_j = ctx.config()["layer"];
    Layer inner;
    inner.class_name = inner_j.value("class_name", "");
    inner.config = inner_j.value("config", json::object());
    inner.name = ctx.name();
    const std::string merge = ctx.has("merge_mode") ? ctx.str("merge_mode", "concat") : "none";
    if (inner.class_name != "LSTM" && inner.class_name != "GRU" && inner.class_name != "SimpleRNN")
        ctx.unsupported("Bidirectional(" + inner.class_name + ")");
    // Read both directions with the inner config active.
    const auto& w = ctx.layer().weights;
    Cell fw, bw;
    const Layer* outer = &ctx.layer();
    auto states = initial_states(ctx);
    std::vector<KTensor> outs;
    // Keras 3 always serializes the backward layer (go_backwards=True); tf.keras only a custom one.
    Layer back = inner;
    if (ctx.has("backward_layer")) {
        const json& bj = ctx.config()["backward_layer"];
        back.class_name = bj.value("class_name", "");
        back.config = bj.value("config", json::object());
        if (back.class_name != inner.class_name) ctx.unsupported("a backward_layer of another class");
    }
    std::size_t n = 3;
    ctx.call_layer_config(inner, [&] {
        n = ctx.flag("use_bias", true) ? 3 : 2;
        if (w.size() != 2 * n) ctx.invalid(cat("expects ", 2 * n, " weights, the file has ", w.size()));
        fw = read_cell(ctx, inner.class_name, w, 0);
    });
    ctx.call_layer_config(back, [&] {
        if ((ctx.flag("use_bias", true) ? 3u : 2u) != n) ctx.unsupported("directions with different use_bias");
        bw = read_cell(ctx, back.class_name, w, n);
    });
    (void)outer;
    if (bw.units != fw.units || bw.return_sequences != fw.return_sequences || bw.return_state != fw.return_state)
        ctx.unsupported("forward and backward layers of different shapes");
    if (fw.go_backwards) ctx.unsupported("go_backwards inside Bidirectional");
    std::vector<std::string> h, c;
    if (!states.empty()) {
        const std::size_t per = fw.op == "LSTM" ? 2 : 1;
        if (states.size() != 2 * per) ctx.invalid("wrong number of initial states");
        h = {ctx.as_keras(states[0]), ctx.as_keras(states[per])};
        if (per == 2) c = {ctx.as_keras(states[1]), ctx.as_keras(states[3])};
    }
    RnnOut r = emit_rnn(ctx, x, fw, &bw, "bidirectional", h, c);
    const int64_t u = fw.units;
    const bool bf = r.bf;
    auto reduce = [&](const std::string& v, int64_t axis) {
        const char* op = merge == "sum" ? "ReduceSum" : merge == "mul" ? "ReduceProd" : "ReduceMean";
        if (merge != "sum" && merge != "mul" && merge != "ave") ctx.unsupported("merge_mode '" + merge + "'");
        return merge == "sum"
                   ? ctx.emit1(op, {v, ctx.const_i64({axis}, "axes")}, {{"keepdims", Attribute::of_int(0)}})
                   : ctx.emit1(op, {v}, {{"axes", Attribute::of_ints({axis})}, {"keepdims", Attribute::of_int(0)}});
    };
    if (fw.return_sequences) {
        if (merge == "concat") {
            // [N, T, 2, H] reshapes straight to [N, T, 2H]; time-major [T, 2, N, H] needs [T, N, 2, H] first.
            const std::string t =
                bf ? r.Y : ctx.emit1("Transpose", {r.Y}, {{"perm", Attribute::of_ints({0, 2, 1, 3})}});
            outs.push_back(seq_tensor(ctx.emit1("Reshape", {t, ctx.const_i64({0, 0, -1}, "shape")}), x, 2 * u, bf));
        } else if (merge == "none") {
            const auto parts = ctx.emit("Split", {r.Y}, {{"axis", Attribute::of_int(r.y_dir())}}, 2);
            outs.push_back(seq_tensor(squeeze(ctx, parts[0], r.y_dir()), x, u, bf));
            outs.push_back(seq_tensor(squeeze(ctx, parts[1], r.y_dir()), x, u, bf));
        } else {
            outs.push_back(seq_tensor(reduce(r.Y, r.y_dir()), x, u, bf));
        }
    } else {
        if (merge == "concat") {
            const std::string t =
                bf ? r.Y_h : ctx.emit1("Transpose", {r.Y_h}, {{"perm", Attribute::of_ints({1, 0, 2})}});
            outs.push_back(vec_tensor(ctx.emit1("Reshape", {t, ctx.const_i64({0, -1}, "shape")}), x, 2 * u));
        } else if (merge == "none") {
            const auto parts = ctx.emit("Split", {r.Y_h}, {{"axis", Attribute::of_int(r.h_dir())}}, 2);
            outs.push_back(vec_tensor(squeeze(ctx, parts[0], r.h_dir()), x, u));
            outs.push_back(vec_tensor(squeeze(ctx, parts[1], r.h_dir()), x, u));
        } else {
            outs.push_back(vec_tensor(reduce(r.Y_h, r.h_dir()), x, u));
        }
    }
    if (fw.return_state) {
        const auto hs = ctx.emit("Split", {r.Y_h}, {{"axis", Attribute::of_int(r.h_dir())}}, 2);
        std::vector<std::string> cs;
        if (fw.op == "LSTM") cs = ctx.emit("Split", {r.Y_c}, {{"axis", Attribute::of_int(r.h_dir())}}, 2);
        for (int d = 0; d < 2; ++d) {
            outs.push_back(vec_tensor(squeeze(ctx, hs[static_cast<std::size_t>(d)], r.h_dir()), x, u));
            if (fw.op == "LSTM")
                outs.push_back(vec_tensor(squeeze(ctx, cs[static_cast<std::size_t>(d)], r.h_dir()), x, u));
        }
    }
    ctx.set_outputs(outs);
}

}  // namespace

void register_recurrent(LayerRegistry& r) {
    r.add("LSTM", recurrent);
    r.add("GRU", recurrent);
    r.add("SimpleRNN", recurrent);
    r.add("Bidirectional", bidirectional);
}

}  // namespace konnx::keras
