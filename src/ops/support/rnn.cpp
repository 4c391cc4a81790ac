// SPDX-License-Identifier: MIT
// Attribute parsing, input validation and the shape function shared by RNN, GRU and LSTM (see rnn.hpp).
#include "ops/support/rnn.hpp"

namespace konnx::ops {
namespace {

RnnActivation parse_rnn_activation(const NodeContext& ctx, const std::string& name,
                                   std::vector<float>::const_iterator& alpha,
                                   const std::vector<float>::const_iterator& alpha_end,
                                   std::vector<float>::const_iterator& beta,
                                   const std::vector<float>::const_iterator& beta_end) {
    struct Known {
        const char* name;
        RnnActKind kind;
        bool uses_alpha, uses_beta;
        float alpha, beta;  // defaults of the corresponding ONNX operators
    };
    static constexpr Known kKnown[] = {
        {"relu", RnnActKind::kRelu, false, false, 0, 0},
        {"tanh", RnnActKind::kTanh, false, false, 0, 0},
        {"sigmoid", RnnActKind::kSigmoid, false, false, 0, 0},
        {"affine", RnnActKind::kAffine, true, true, 1, 0},
        {"leakyrelu", RnnActKind::kLeakyRelu, true, false, 0.01f, 0},
        {"thresholdedrelu", RnnActKind::kThresholdedRelu, true, false, 1, 0},
        {"scaledtanh", RnnActKind::kScaledTanh, true, true, 1, 1},
        {"hardsigmoid", RnnActKind::kHardSigmoid, true, true, 0.2f, 0.5f},
        {"elu", RnnActKind::kElu, true, false, 1, 0},
        {"softsign", RnnActKind::kSoftsign, false, false, 0, 0},
        {"softplus", RnnActKind::kSoftplus, false, false, 0, 0},
    };
    const std::string lower = to_lower(name);
    for (const Known& k : kKnown) {
        if (lower != k.name) continue;
        RnnActivation a{k.kind, k.alpha, k.beta};
        if (k.uses_alpha && alpha != alpha_end) a.alpha = *alpha++;
        if (k.uses_beta && beta != beta_end) a.beta = *beta++;
        return a;
    }
    ctx.unsupported("unknown activation function '", name, "'");
}

}  // namespace

RnnSpec parse_rnn(const NodeContext& ctx, int64_t gates, const std::vector<std::string>& default_acts, bool lstm) {
    RnnSpec s;
    s.gates = gates;
    s.lstm = lstm;
    const std::string direction = ctx.attr_string("direction", "forward");
    if (direction == "bidirectional")
        s.dirs = 2;
    else if (direction == "reverse")
        s.reverse_first = true;
    else
        ctx.check(direction == "forward", "unknown direction '", direction, "'");
    s.layout = ctx.attr_int("layout", 0);
    ctx.check(s.layout == 0 || s.layout == 1, "layout must be 0 or 1, got ", s.layout);
    if (ctx.has_attr("clip")) {
        s.clip = ctx.attr_float("clip", 0);
        ctx.check(s.clip > 0, "clip must be positive, got ", s.clip);
    }

    const DType dtype = ctx.input_dtype(0);
    ctx.check(dtype == DType::kFloat32 || dtype == DType::kFloat64, "X must be float or double, got ",
              dtype_name(dtype));
    const Shape& x = ctx.input_shape(0);
    ctx.check(x.size() == 3, "X must be 3-D, got ", shape_str(x));
    s.seq = s.layout == 0 ? x[0] : x[1];
    s.batch = s.layout == 0 ? x[1] : x[0];
    s.input = x[2];
    const Shape& w = ctx.input_shape(1);
    ctx.check(w.size() == 3 && w[0] == s.dirs && w[2] == s.input && w[1] % gates == 0, "W must be [", s.dirs, ",",
              gates, "*hidden_size,", s.input, "], got ", shape_str(w));
    s.hidden = ctx.attr_int("hidden_size", w[1] / gates);
    ctx.check(s.hidden > 0 && w[1] == gates * s.hidden, "hidden_size ", s.hidden, " does not match W ", shape_str(w));
    const int64_t gh = gates * s.hidden;
    auto check_input = [&](std::size_t i, const char* name, const Shape& want) {
        if (!ctx.has_input(i)) return;
        ctx.check(ctx.input_dtype(i) == dtype, name, " must have X's type ", dtype_name(dtype));
        ctx.check(ctx.input_shape(i) == want, name, " must be ", shape_str(want), ", got ",
                  shape_str(ctx.input_shape(i)));
    };
    ctx.check(ctx.has_input(2), "input R is missing");
    check_input(1, "W", {s.dirs, gh, s.input});
    check_input(2, "R", {s.dirs, gh, s.hidden});
    check_input(3, "B", {s.dirs, 2 * gh});
    const Shape state = s.layout == 0 ? Shape{s.dirs, s.batch, s.hidden} : Shape{s.batch, s.dirs, s.hidden};
    check_input(5, "initial_h", state);
    if (lstm) {
        check_input(6, "initial_c", state);
        check_input(7, "P", {s.dirs, 3 * s.hidden});
    }
    if (ctx.has_input(4)) {
        const DType t = ctx.input_dtype(4);
        ctx.check(t == DType::kInt32 || t == DType::kInt64, "sequence_lens must be int32");
        ctx.check(ctx.input_shape(4) == Shape{s.batch}, "sequence_lens must be [", s.batch, "], got ",
                  shape_str(ctx.input_shape(4)));
    }

    const auto names = ctx.attr_strings("activations");
    s.acts_per_dir = static_cast<int64_t>(default_acts.size());
    ctx.check(names.empty() || static_cast<int64_t>(names.size()) == s.acts_per_dir * s.dirs, "expected ",
              s.acts_per_dir * s.dirs, " activations, got ", names.size());
    const auto alphas = ctx.attr_floats("activation_alpha");
    const auto betas = ctx.attr_floats("activation_beta");
    auto alpha = alphas.cbegin();
    auto beta = betas.cbegin();
    for (int64_t d = 0; d < s.dirs; ++d)
        for (int64_t k = 0; k < s.acts_per_dir; ++k) {
            const auto i = static_cast<std::size_t>(names.empty() ? k : d * s.acts_per_dir + k);
            s.acts.push_back(parse_rnn_activation(ctx, names.empty() ? default_acts[i] : names[i], alpha, alphas.cend(),
                                                  beta, betas.cend()));
        }
    return s;
}

void infer_rnn(InferContext& ctx, const RnnSpec& s) {
    const DType dtype = ctx.input_dtype(0);
    if (s.layout == 0) {
        ctx.set_output(0, dtype, {s.seq, s.dirs, s.batch, s.hidden});
        ctx.set_output(1, dtype, {s.dirs, s.batch, s.hidden});
        if (s.lstm) ctx.set_output(2, dtype, {s.dirs, s.batch, s.hidden});
    } else {
        ctx.set_output(0, dtype, {s.batch, s.seq, s.dirs, s.hidden});
        ctx.set_output(1, dtype, {s.batch, s.dirs, s.hidden});
        if (s.lstm) ctx.set_output(2, dtype, {s.batch, s.dirs, s.hidden});
    }
}

}  // namespace konnx::ops
