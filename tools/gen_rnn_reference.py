#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes seeded reference cases for konnx's ONNX RNN/GRU/LSTM kernels (tests/ops/test_rnn.cpp).

    gen_rnn_reference.py OUTDIR

Each case is a folder OUTDIR/<case>/ with case.json (op, attributes, which inputs are present, outputs),
the ONNX inputs as .npy (X, W, R, B, sequence_lens, initial_h, initial_c, P) and the expected outputs
(Y, Y_h, Y_c).

Two independent references:
  * PyTorch (torch.nn.LSTM / GRU / RNN, with pack_padded_sequence for sequence_lens): the weights are
    reordered into ONNX gate order (LSTM torch i f g o -> ONNX i o f c; GRU torch r z n -> ONNX z r h).
    torch's GRU is ONNX GRU with linear_before_reset=1.
  * A direct NumPy transcription of the ONNX operator equations (float64), for what torch lacks:
    GRU with linear_before_reset=0, peepholes, input_forget, clip, other activations, zero-length sequences.
"""

import json
import os
import sys
import zlib

import numpy as np
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else "rnn_reference"


def save_case(name, op, attrs, inputs, outputs):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    names = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"]
    present = []
    for n in names:
        if inputs.get(n) is not None:
            np.save(os.path.join(folder, n + ".npy"), inputs[n])
            present.append(n)
        else:
            present.append("")
    while present and present[-1] == "":
        present.pop()
    out_names = []
    for n in ["Y", "Y_h", "Y_c"]:
        if n in outputs:
            np.save(os.path.join(folder, n + ".npy"), outputs[n])
            out_names.append(n)
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump({"op": op, "attrs": attrs, "inputs": present, "outputs": out_names}, f, indent=1)


# ----------------------------------------------------------------------------------------------
# PyTorch reference


def torch_blocks(op):
    # permutation of torch's gate blocks into ONNX order
    return {"LSTM": [0, 3, 1, 2], "GRU": [1, 0, 2], "RNN": [0]}[op]


def reorder(t, op, hidden):
    blocks = torch_blocks(op)
    return np.concatenate([t[b * hidden : (b + 1) * hidden] for b in blocks], axis=0)


def torch_case(
    name,
    op,
    seq,
    batch,
    inp,
    hidden,
    bidirectional=False,
    layout=0,
    lengths=None,
    initial=True,
    bias=True,
    nonlinearity="tanh",
    dtype=torch.float32,
    only_reverse=False,
):
    torch.manual_seed(zlib.crc32(name.encode()))
    kw = dict(
        input_size=inp,
        hidden_size=hidden,
        bias=bias,
        batch_first=bool(layout),
        bidirectional=bidirectional or only_reverse,
    )
    if op == "RNN":
        kw["nonlinearity"] = nonlinearity
    module = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN": torch.nn.RNN}[op](**kw).to(dtype)
    dirs_torch = 2 if (bidirectional or only_reverse) else 1
    x = torch.randn(*((batch, seq, inp) if layout else (seq, batch, inp)), dtype=dtype)
    h0 = torch.randn(dirs_torch, batch, hidden, dtype=dtype) * 0.5
    c0 = torch.randn(dirs_torch, batch, hidden, dtype=dtype) * 0.5
    state = ((h0, c0) if op == "LSTM" else h0) if initial else None
    with torch.no_grad():
        if lengths is not None:
            packed = torch.nn.utils.rnn.pack_padded_sequence(
                x, torch.tensor(lengths), batch_first=bool(layout), enforce_sorted=False
            )
            y, hn = module(packed, state)
            y, _ = torch.nn.utils.rnn.pad_packed_sequence(y, batch_first=bool(layout), total_length=seq)
        else:
            y, hn = module(x, state)
    if op == "LSTM":
        hn, cn = hn
    suffixes = ["", "_reverse"] if dirs_torch == 2 else [""]
    dir_ids = [1] if only_reverse else list(range(dirs_torch))
    W, R, B = [], [], []
    for d in dir_ids:
        s = suffixes[d]
        W.append(reorder(getattr(module, "weight_ih_l0" + s).detach().numpy(), op, hidden))
        R.append(reorder(getattr(module, "weight_hh_l0" + s).detach().numpy(), op, hidden))
        if bias:
            B.append(
                np.concatenate(
                    [
                        reorder(getattr(module, "bias_ih_l0" + s).detach().numpy(), op, hidden),
                        reorder(getattr(module, "bias_hh_l0" + s).detach().numpy(), op, hidden),
                    ]
                )
            )
    dirs = len(dir_ids)
    y = y.numpy().reshape(*(y.shape[:-1]), dirs_torch, hidden)  # [S,N,dirs,H] or [N,S,dirs,H]
    y = y[..., dir_ids, :]
    hn, cn_np = hn.numpy()[dir_ids], (cn.numpy()[dir_ids] if op == "LSTM" else None)
    h0n, c0n = h0.numpy()[dir_ids], c0.numpy()[dir_ids]
    if layout == 0:
        Y = y.transpose(0, 2, 1, 3)  # [S, dirs, N, H]
        state_of = lambda a: a
    else:
        Y = y  # [N, S, dirs, H]
        state_of = lambda a: a.transpose(1, 0, 2)  # [N, dirs, H]
    inputs = {
        "X": x.numpy(),
        "W": np.stack(W),
        "R": np.stack(R),
        "B": np.stack(B) if bias else None,
        "sequence_lens": np.array(lengths, dtype=np.int32) if lengths is not None else None,
        "initial_h": state_of(h0n) if initial else None,
        "initial_c": state_of(c0n) if (initial and op == "LSTM") else None,
    }
    outputs = {"Y": np.ascontiguousarray(Y), "Y_h": np.ascontiguousarray(state_of(hn))}
    if op == "LSTM":
        outputs["Y_c"] = np.ascontiguousarray(state_of(cn_np))
    attrs = {
        "hidden_size": hidden,
        "layout": layout,
        "direction": "reverse" if only_reverse else ("bidirectional" if dirs == 2 else "forward"),
    }
    if op == "GRU":
        attrs["linear_before_reset"] = 1
    if op == "RNN" and nonlinearity == "relu":
        attrs["activations"] = ["Relu"] * dirs
    save_case(name, op, attrs, inputs, outputs)


# ----------------------------------------------------------------------------------------------
# NumPy transcription of the ONNX equations (layout 0 only; float64)

ACTS = {
    "Relu": lambda x, a, b: np.maximum(x, 0),
    "Tanh": lambda x, a, b: np.tanh(x),
    "Sigmoid": lambda x, a, b: 1 / (1 + np.exp(-x)),
    "Affine": lambda x, a, b: a * x + b,
    "LeakyRelu": lambda x, a, b: np.where(x >= 0, x, a * x),
    "ThresholdedRelu": lambda x, a, b: np.where(x > a, x, 0),
    "ScaledTanh": lambda x, a, b: a * np.tanh(b * x),
    "HardSigmoid": lambda x, a, b: np.clip(a * x + b, 0, 1),
    "Elu": lambda x, a, b: np.where(x >= 0, x, a * (np.exp(x) - 1)),
    "Softsign": lambda x, a, b: x / (1 + np.abs(x)),
    "Softplus": lambda x, a, b: np.log1p(np.exp(x)),
}
# (uses alpha, uses beta, default alpha, default beta): defaults of the corresponding ONNX operators
USES = {
    "Affine": (1, 1, 1.0, 0.0),
    "LeakyRelu": (1, 0, 0.01, 0),
    "ThresholdedRelu": (1, 0, 1.0, 0),
    "ScaledTanh": (1, 1, 1.0, 1.0),
    "HardSigmoid": (1, 1, 0.2, 0.5),
    "Elu": (1, 0, 1.0, 0),
}


def bind_activations(names, alphas, betas, clip):
    alphas, betas, out = list(alphas), list(betas), []
    for n in names:
        ua, ub, da, db = USES.get(n, (0, 0, 0.0, 0.0))
        a = (alphas.pop(0) if alphas else da) if ua else 0.0
        b = (betas.pop(0) if betas else db) if ub else 0.0
        f = ACTS[n]
        out.append(lambda x, f=f, a=a, b=b: f(np.clip(x, -clip, clip), a, b))
    return out


def numpy_case(
    name,
    op,
    seq,
    batch,
    inp,
    hidden,
    direction="forward",
    lengths=None,
    activations=None,
    alphas=(),
    betas=(),
    clip=None,
    peepholes=False,
    input_forget=0,
    linear_before_reset=0,
):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    G = {"RNN": 1, "GRU": 3, "LSTM": 4}[op]
    dirs = 2 if direction == "bidirectional" else 1
    X = rng.standard_normal((seq, batch, inp))
    W = rng.standard_normal((dirs, G * hidden, inp)) * 0.5
    R = rng.standard_normal((dirs, G * hidden, hidden)) * 0.5
    B = rng.standard_normal((dirs, 2 * G * hidden)) * 0.3
    h0 = rng.standard_normal((dirs, batch, hidden)) * 0.5
    c0 = rng.standard_normal((dirs, batch, hidden)) * 0.5
    P = rng.standard_normal((dirs, 3 * hidden)) * 0.5 if peepholes else None
    per_dir = {"RNN": ["Tanh"], "GRU": ["Sigmoid", "Tanh"], "LSTM": ["Sigmoid", "Tanh", "Tanh"]}[op]
    names = activations or per_dir * dirs
    acts = bind_activations(names, alphas, betas, clip if clip else np.inf)
    k = len(per_dir)
    lens = lengths if lengths is not None else [seq] * batch
    Y = np.zeros((seq, dirs, batch, hidden))
    Yh = np.zeros((dirs, batch, hidden))
    Yc = np.zeros((dirs, batch, hidden))
    H = hidden
    for d in range(dirs):
        reverse = direction == "reverse" or d == 1
        f, g, hfun = (acts[d * k : (d + 1) * k] + [None, None])[:3]
        Wd, Rd, Wb, Rb = W[d], R[d], B[d][: G * H], B[d][G * H :]
        for b in range(batch):
            h, c = h0[d, b].copy(), c0[d, b].copy()
            L = lens[b]
            steps = range(L - 1, -1, -1) if reverse else range(L)
            for t in steps:
                x = X[t, b]
                if op == "RNN":
                    h = f(x @ Wd.T + h @ Rd.T + Wb + Rb)
                elif op == "GRU":
                    gx, gb = x @ Wd.T + Wb, Rb
                    z = f(gx[:H] + h @ Rd[:H].T + gb[:H])
                    r = f(gx[H : 2 * H] + h @ Rd[H : 2 * H].T + gb[H : 2 * H])
                    if linear_before_reset:
                        hh = g(gx[2 * H :] + r * (h @ Rd[2 * H :].T + gb[2 * H :]))
                    else:
                        hh = g(gx[2 * H :] + (r * h) @ Rd[2 * H :].T + gb[2 * H :])
                    h = (1 - z) * hh + z * h
                else:
                    gates = x @ Wd.T + h @ Rd.T + Wb + Rb
                    pi, po, pf = (P[d][:H], P[d][H : 2 * H], P[d][2 * H :]) if peepholes else (0, 0, 0)
                    i = f(gates[:H] + pi * c)
                    fg = 1 - i if input_forget else f(gates[2 * H : 3 * H] + pf * c)
                    cc = g(gates[3 * H :])
                    c = fg * c + i * cc
                    o = f(gates[H : 2 * H] + po * c)
                    h = o * hfun(c)
                Y[t, d, b] = h
            Yh[d, b] = h if L > 0 else 0
            Yc[d, b] = c if L > 0 else 0
    attrs = {"hidden_size": hidden, "direction": direction}
    if activations:
        attrs["activations"] = activations
    if alphas:
        attrs["activation_alpha"] = list(alphas)
    if betas:
        attrs["activation_beta"] = list(betas)
    if clip:
        attrs["clip"] = clip
    if input_forget:
        attrs["input_forget"] = 1
    if op == "GRU":
        attrs["linear_before_reset"] = linear_before_reset
    f32 = lambda a: None if a is None else a.astype(np.float32)
    inputs = {
        "X": f32(X),
        "W": f32(W),
        "R": f32(R),
        "B": f32(B),
        "sequence_lens": np.array(lens, dtype=np.int32) if lengths is not None else None,
        "initial_h": f32(h0),
        "initial_c": f32(c0) if op == "LSTM" else None,
        "P": f32(P),
    }
    outputs = {"Y": f32(Y), "Y_h": f32(Yh)}
    if op == "LSTM":
        outputs["Y_c"] = f32(Yc)
    save_case(name, op, attrs, inputs, outputs)


def main():
    torch.set_num_threads(1)
    # PyTorch: forward, bidirectional, reverse, layouts, sequence_lens, no bias / no initial state, double.
    torch_case("torch_lstm_forward", "LSTM", seq=5, batch=3, inp=4, hidden=6)
    torch_case(
        "torch_lstm_bidir_lens", "LSTM", seq=6, batch=4, inp=3, hidden=5, bidirectional=True, lengths=[6, 2, 4, 1]
    )
    torch_case(
        "torch_lstm_layout1_bidir_lens",
        "LSTM",
        seq=4,
        batch=3,
        inp=2,
        hidden=3,
        bidirectional=True,
        layout=1,
        lengths=[3, 4, 1],
    )
    torch_case("torch_lstm_reverse", "LSTM", seq=5, batch=2, inp=3, hidden=4, only_reverse=True)
    torch_case("torch_lstm_nobias_noinit", "LSTM", seq=3, batch=2, inp=3, hidden=4, bias=False, initial=False)
    torch_case("torch_lstm_double", "LSTM", seq=4, batch=2, inp=3, hidden=3, bidirectional=True, dtype=torch.float64)
    torch_case("torch_gru_forward", "GRU", seq=5, batch=3, inp=4, hidden=6)
    torch_case("torch_gru_bidir_lens", "GRU", seq=6, batch=3, inp=3, hidden=4, bidirectional=True, lengths=[2, 6, 5])
    torch_case("torch_gru_layout1_lens", "GRU", seq=5, batch=2, inp=3, hidden=4, layout=1, lengths=[5, 3])
    torch_case("torch_gru_reverse_lens", "GRU", seq=5, batch=3, inp=2, hidden=3, only_reverse=True, lengths=[4, 5, 1])
    torch_case(
        "torch_rnn_tanh_bidir_lens", "RNN", seq=5, batch=3, inp=3, hidden=4, bidirectional=True, lengths=[5, 1, 3]
    )
    torch_case("torch_rnn_relu_layout1", "RNN", seq=4, batch=2, inp=3, hidden=5, layout=1, nonlinearity="relu")
    torch_case("torch_rnn_reverse_noinit", "RNN", seq=4, batch=2, inp=3, hidden=3, only_reverse=True, initial=False)
    # NumPy ONNX equations: what torch lacks.
    numpy_case(
        "np_gru_lbr0_bidir_lens", "GRU", seq=5, batch=3, inp=3, hidden=4, direction="bidirectional", lengths=[5, 0, 2]
    )
    numpy_case("np_lstm_peephole_clip", "LSTM", seq=4, batch=2, inp=3, hidden=3, peepholes=True, clip=0.7)
    numpy_case(
        "np_lstm_input_forget_reverse",
        "LSTM",
        seq=4,
        batch=2,
        inp=3,
        hidden=3,
        direction="reverse",
        input_forget=1,
        peepholes=True,
        lengths=[3, 4],
    )
    numpy_case(
        "np_lstm_activations",
        "LSTM",
        seq=3,
        batch=2,
        inp=2,
        hidden=3,
        direction="bidirectional",
        activations=["HardSigmoid", "LeakyRelu", "Softsign", "ScaledTanh", "Elu", "Softplus"],
        alphas=[0.3, 0.05, 0.8, 0.6],
        betas=[0.4, 1.2],
    )
    numpy_case(
        "np_gru_activations",
        "GRU",
        seq=3,
        batch=2,
        inp=2,
        hidden=3,
        direction="bidirectional",
        activations=["Affine", "ThresholdedRelu", "Sigmoid", "Relu"],
        alphas=[0.4, 0.1],
        betas=[0.2],
    )
    numpy_case(
        "np_rnn_affine_lens",
        "RNN",
        seq=4,
        batch=3,
        inp=2,
        hidden=3,
        activations=["Affine"],
        alphas=[0.7],
        betas=[-0.1],
        lengths=[4, 2, 0],
    )
    numpy_case(
        "np_rnn_defaults_alpha",
        "RNN",
        seq=3,
        batch=2,
        inp=2,
        hidden=3,
        direction="bidirectional",
        activations=["LeakyRelu", "HardSigmoid"],
    )  # alpha/beta defaults: 0.01; 0.2, 0.5


if __name__ == "__main__":
    main()
