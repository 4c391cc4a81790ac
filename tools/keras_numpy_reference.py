#!/usr/bin/env python3
"""Independent Keras-semantics reference for layers TensorFlow.js lacks.

Usage: keras_numpy_reference.py MODEL.h5 OUT.npy INPUT_NAME=INPUT.npy [...]

Reads the Keras 2 full-model .h5 (model_config + model_weights, as tests/keras/h5_writer writes it), runs
the model layer by layer in plain numpy (float64) and writes the model's single output to OUT.npy
(float32).  Each layer below is a transcription of the math Keras documents for it (channels_last only),
not of any converter: it shares nothing with konnx's ONNX lowering, so konnx and onnxruntime can be held
against it.  Unknown layers or options fail loudly (exit 2) instead of guessing.
"""

import json
import math
import sys

import h5py
import numpy as np


def attr_list(group, name):
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, i = [], 0
        while f"{name}{i}" in group.attrs:
            values += list(group.attrs[f"{name}{i}"])
            i += 1
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def read_weights(f):
    out = {}
    if "model_weights" not in f:
        return out
    g = f["model_weights"]
    for layer in attr_list(g, "layer_names"):
        out[layer] = [np.asarray(g[layer][n], dtype=np.float64) for n in attr_list(g[layer], "weight_names")]
    return out


def pairs(value, rank):
    """Keras padding/cropping argument -> [(before, after)] * rank."""
    if isinstance(value, int):
        return [(value, value)] * rank
    value = list(value)
    if rank == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
        return [(value[0], value[1])]
    if len(value) == rank and all(isinstance(v, int) for v in value):
        return [(v, v) for v in value]
    return [(int(a), int(b)) for a, b in value]


def sizes(value, rank):
    return [value] * rank if isinstance(value, int) else list(value)


def softplus(x):
    return np.logaddexp(0.0, x)


def hard_sigmoid(x, keras3):
    # Keras 1/2: clip(0.2 x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1)
    return np.clip(x / 6 + 0.5 if keras3 else 0.2 * x + 0.5, 0, 1)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


KERAS3 = False  # set from the file's keras_version (hard_sigmoid changed meaning in Keras 3)


def activation(name, x):
    """keras.activations.<name>(x) with its default arguments, from the formulas in Keras's docs."""
    if name in (None, "linear"):
        return x
    erf = np.vectorize(math.erf)
    formulas = {
        "relu": lambda: np.maximum(x, 0),
        "relu6": lambda: np.clip(x, 0, 6),
        "sigmoid": lambda: 1 / (1 + np.exp(-x)),
        "tanh": lambda: np.tanh(x),
        "exponential": lambda: np.exp(x),
        "softplus": lambda: softplus(x),
        "softsign": lambda: x / (1 + np.abs(x)),
        "elu": lambda: np.where(x > 0, x, np.expm1(x)),  # alpha 1
        "selu": lambda: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
        "leaky_relu": lambda: np.where(x >= 0, x, 0.2 * x),  # keras.activations.leaky_relu: negative_slope 0.2
        "hard_sigmoid": lambda: hard_sigmoid(x, KERAS3),
        "hard_silu": lambda: x * hard_sigmoid(x, True),  # Keras 3 only: x * relu6(x + 3) / 6
        "hard_swish": lambda: x * hard_sigmoid(x, True),
        "swish": lambda: x / (1 + np.exp(-x)),
        "silu": lambda: x / (1 + np.exp(-x)),
        "mish": lambda: x * np.tanh(softplus(x)),
        "log_sigmoid": lambda: -softplus(-x),
        "gelu": lambda: 0.5 * x * (1 + erf(x / math.sqrt(2))),  # approximate=False, Keras's default
        # gelu(approximate=True): 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
        "gelu_approximate": lambda: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
        "softmax": lambda: softmax(x),
        "log_softmax": lambda: np.log(softmax(x)),
    }
    if name not in formulas:
        raise NotImplementedError(f"activation {name}")
    return formulas[name]()


def attention_keep(cfg, call, tq, tv, attention_mask=None, value_mask=None):
    """Which (query i, key j) pairs may attend: causal keeps j <= i; attention_mask keeps its non-zero entries;
    a value mask [N, tv] keeps the unmasked keys."""
    keep = np.ones((1, tq, tv), dtype=bool)
    if value_mask is not None:
        keep = keep & value_mask[:, None, :]
    if cfg.get("causal") or cfg.get("use_causal_mask") or call.get("use_causal_mask"):
        keep = keep & np.tril(np.ones((tq, tv), dtype=bool))[None]
    if attention_mask is not None:
        keep = keep & (attention_mask != 0)
    return keep


def dot_attention(cfg, w, call, q, v, k, v_mask=None):
    # scores = q . k^T (times `scale` with use_scale); masked scores minus 1e9; softmax over keys; times v.
    if cfg.get("score_mode", "dot") != "dot":
        raise NotImplementedError("Attention score_mode concat")
    scores = q @ np.swapaxes(k, -1, -2)
    if cfg.get("use_scale"):
        scores = scores * w[0]
    p = softmax(masked(scores, attention_keep(cfg, call, q.shape[1], k.shape[1], value_mask=v_mask)))
    return [p @ v, p]


def masked(scores, keep):
    """Keras adds -1e9 to masked scores in float32, which rounds the scores of a fully masked row to multiples
    of 64 (often all equal: a uniform softmax); float64 would keep their differences."""
    biased = scores.astype(np.float32) + np.float32(-1e9) * (~keep).astype(np.float32)
    return np.where(keep, scores, biased.astype(np.float64))


def additive_attention(cfg, w, call, q, v, k, v_mask=None):
    # scores[b,i,j] = sum_d scale[d] tanh(q[b,i,d] + k[b,j,d]); masked minus 1e9; softmax over keys; times v.
    t = np.tanh(q[:, :, None, :] + k[:, None, :, :])
    if cfg.get("use_scale", True):
        t = t * w[0]
    p = softmax(masked(t.sum(-1), attention_keep(cfg, call, q.shape[1], k.shape[1], value_mask=v_mask)))
    return [p @ v, p]


def multi_head_attention(cfg, w, call, q, v, k, attention_mask):
    # Per head: query/key/value projections (kernel [features, heads, dim] + bias [heads, dim]), the query scaled
    # by 1/sqrt(key_dim), scores over keys with -1e9 added where masked, softmax, weighted values, then the
    # output projection (kernel [heads, value_dim, out] + bias).
    use_bias = cfg.get("use_bias", True)
    ws = iter(w)

    def project(x):
        kernel = next(ws)
        y = np.einsum("btf,fhd->bthd", x, kernel)
        return y + next(ws) if use_bias else y

    qh, kh, vh = project(q), project(k), project(v)
    qh = qh / math.sqrt(cfg["key_dim"])
    scores = np.einsum("bthd,bshd->bhts", qh, kh)
    keep = attention_keep(cfg, call, q.shape[1], k.shape[1], attention_mask)
    p = softmax(masked(scores, keep[:, None]))
    o = np.einsum("bhts,bshd->bthd", p, vh)
    out = np.einsum("bthd,hdo->bto", o, next(ws))
    return [out + next(ws) if use_bias else out, p]


def channels_last(cfg):
    if cfg.get("data_format", "channels_last") not in (None, "channels_last"):
        raise NotImplementedError("data_format channels_first")


def conv_pads(in_sizes, kernel, strides, dilation, padding):
    """Per spatial axis (before, after) and output size of a Keras (TF) convolution."""
    pads, outs = [], []
    for n, k, st, d in zip(in_sizes, kernel, strides, dilation):
        kd = (k - 1) * d + 1
        if padding == "valid":
            pads.append((0, 0))
            outs.append((n - kd) // st + 1)
        elif padding == "same":  # TF SAME: ceil(n / s) outputs, the odd padding element after
            o = -(-n // st)
            total = max((o - 1) * st + kd - n, 0)
            pads.append((total // 2, total - total // 2))
            outs.append(o)
        elif padding == "causal":  # 1D only: (k - 1) * d zeros before
            pads.append((kd - 1, 0))
            outs.append((n - 1) // st + 1)
        else:
            raise NotImplementedError(f"padding {padding}")
    return pads, outs


def windows(x, kernel, strides, dilation, pads, outs):
    """Yields (kernel offset, x window) with x window[n, *o, c] = xpad[n, *(o * s + offset * d), c]."""
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    for kk in np.ndindex(*kernel):
        idx = [slice(None)]
        for j, st, d, o in zip(kk, strides, dilation, outs):
            idx.append(slice(j * d, j * d + (o - 1) * st + 1, st))
        yield kk, xp[tuple(idx) + (slice(None),)]


def conv(x, w, cfg, rank, depthwise=False):
    """Cross-correlation as Keras defines Conv / DepthwiseConv (kernel (*k, in, out) / (*k, in, multiplier))."""
    channels_last(cfg)
    if cfg.get("groups", 1) != 1:
        raise NotImplementedError("groups")
    kernel = list(w.shape[:rank])
    strides = sizes(cfg.get("strides", 1), rank)
    dilation = sizes(cfg.get("dilation_rate", 1), rank)
    pads, outs = conv_pads(x.shape[1:-1], kernel, strides, dilation, cfg.get("padding", "valid"))
    c = x.shape[-1]
    out_ch = c * w.shape[-1] if depthwise else w.shape[-1]
    y = np.zeros((x.shape[0], *outs, out_ch))
    for kk, win in windows(x, kernel, strides, dilation, pads, outs):
        if depthwise:  # output channel c * multiplier + m = input channel c times kernel[..., c, m]
            y += (win[..., :, None] * w[kk]).reshape(y.shape)
        else:
            y += win @ w[kk]
    return y


def conv_lstm2d(cfg, w, xs):
    """Keras ConvLSTM2D (channels_last): per step, z = conv(x_t, kernel) + bias + conv(h, recurrent_kernel) (the
    recurrent conv: 'same', stride 1, the layer's dilation), split into i, f, c, o along the channels;
    i, f, o = recurrent_activation, c = f * c + i * activation(z_c), h = o * activation(c). Initial h, c: the
    inputs after x (zeros without them). Returns [output, h, c]."""
    x = xs[0]
    act, rec_act = cfg.get("activation", "tanh"), cfg.get("recurrent_activation", "sigmoid")
    steps = range(x.shape[1] - 1, -1, -1) if cfg.get("go_backwards") else range(x.shape[1])
    rec_cfg = {"padding": "same", "strides": 1, "dilation_rate": cfg.get("dilation_rate", 1)}
    h = c = None
    if len(xs) == 3:
        h, c = xs[1], xs[2]
    hs = []
    for t in steps:
        z = conv(x[:, t], w[0], cfg, 2)
        if cfg.get("use_bias", True):
            z = z + w[2]
        if h is not None:
            z = z + conv(h, w[1], rec_cfg, 2)
        zi, zf, zc, zo = np.split(z, 4, axis=-1)
        cand = activation(rec_act, zi) * activation(act, zc)
        c = cand if c is None else activation(rec_act, zf) * c + cand
        h = activation(rec_act, zo) * activation(act, c)
        hs.append(h)
    out = np.stack(hs, axis=1) if cfg.get("return_sequences") else h
    return [out, h, c]


def conv_transpose(x, w, cfg, rank):
    """Keras ConvNDTranspose (kernel (*k, out, in)): each input element scatters kernel * x to o * s + k * d,
    the result cropped to Keras's output length like TF's conv_transpose (the gradient of the SAME/VALID
    forward convolution of that length)."""
    channels_last(cfg)
    kernel = list(w.shape[:rank])
    strides = sizes(cfg.get("strides", 1), rank)
    dilation = sizes(cfg.get("dilation_rate", 1), rank)
    padding = cfg.get("padding", "valid")
    out_pad = cfg.get("output_padding")
    out_pad = None if out_pad is None else sizes(out_pad, rank)
    lengths, before = [], []
    for a, (n, k, st, d) in enumerate(zip(x.shape[1:-1], kernel, strides, dilation)):
        kd = (k - 1) * d + 1
        if out_pad is None:  # Keras deconv_output_length
            L = n * st if padding == "same" else n * st + max(kd - st, 0)
        else:
            L = (n - 1) * st + kd - 2 * (kd // 2 if padding == "same" else 0) + out_pad[a]
        total = max((n - 1) * st + kd - L, 0) if padding == "same" else 0
        lengths.append(L)
        before.append(total // 2)
    full = [
        max((n - 1) * st + (k - 1) * d + 1, b + L)
        for n, k, st, d, b, L in zip(x.shape[1:-1], kernel, strides, dilation, before, lengths)
    ]
    y = np.zeros((x.shape[0], *full, w.shape[-2]))
    for kk in np.ndindex(*kernel):
        idx = [slice(None)]
        for j, st, d, n in zip(kk, strides, dilation, x.shape[1:-1]):
            idx.append(slice(j * d, j * d + (n - 1) * st + 1, st))
        y[tuple(idx) + (slice(None),)] += x @ w[kk].T
    crop = [slice(None)] + [slice(b, b + L) for b, L in zip(before, lengths)] + [slice(None)]
    return y[tuple(crop)]


def resize_axis(x, axis, out, method):
    """TF 2 tf.image.resize along one axis (half-pixel centers, no antialiasing), as Keras's Resizing uses it."""
    n = x.shape[axis]
    scale = n / out
    o = np.arange(out)
    if method == "nearest":  # floor((o + 0.5) * scale), clamped
        src = np.minimum(np.floor((o + 0.5) * scale).astype(np.int64), n - 1)
        return np.take(x, src, axis=axis)
    if method != "bilinear":
        raise NotImplementedError(f"interpolation {method}")
    pos = (o + 0.5) * scale - 0.5
    low_f = np.floor(pos)
    lerp = pos - low_f
    low = np.maximum(low_f, 0).astype(np.int64)
    high = np.minimum(np.ceil(pos), n - 1).astype(np.int64)
    shape = [1] * x.ndim
    shape[axis] = out
    lerp = lerp.reshape(shape)
    return np.take(x, low, axis=axis) * (1 - lerp) + np.take(x, high, axis=axis) * lerp


def apply(cls, cfg, w, xs, call=None, kw=None, ms=None, kwm=None):
    """Layer `cls` on positional inputs `xs`; `call` holds the call's non-tensor arguments, `kw` its tensors;
    `ms` and `kwm` the Keras masks of the positional and keyword tensors (None where there is none)."""
    call, kw = call or {}, kw or {}
    ms, kwm = ms or [None] * len(xs), kwm or {}
    x = xs[0]
    if cls == "Masking":  # steps whose features all equal mask_value become zeros
        return x * np.any(x != cfg.get("mask_value", 0.0), axis=-1, keepdims=True)
    if cls == "GlobalAveragePooling1D" and ms[0] is not None:  # sum(x * mask) / sum(mask) over the steps
        channels_last(cfg)
        m = ms[0][..., None].astype(np.float64)
        return (x * m).sum(axis=1, keepdims=bool(cfg.get("keepdims"))) / m.sum(
            axis=1, keepdims=bool(cfg.get("keepdims"))
        )
    if cls in ("Attention", "AdditiveAttention", "MultiHeadAttention"):
        q = xs[0]
        v = xs[1] if len(xs) > 1 else kw["value"]
        k = xs[2] if len(xs) > 2 else kw.get("key", v)
        q_mask = ms[0]
        v_mask = ms[1] if len(xs) > 1 else kwm.get("value")
        k_mask = ms[2] if len(xs) > 2 else (kwm.get("key") if "key" in kw else v_mask)
        if cls == "MultiHeadAttention":
            # query mask [N, T, 1] and value / key masks [N, 1, S] join attention_mask and the causal mask
            auto = np.ones((q.shape[0], q.shape[1], k.shape[1]), dtype=bool)
            if q_mask is not None:
                auto = auto & q_mask[:, :, None]
            for m in (v_mask, k_mask):
                if m is not None:
                    auto = auto & m[:, None, :]
            mask = kw.get("attention_mask")
            outs = multi_head_attention(cfg, w, call, q, v, k, auto if mask is None else auto & (mask != 0))
        else:
            # the value mask masks scores ([N, 1, Tv]); the query mask zeroes the result's masked steps
            att = dot_attention if cls == "Attention" else additive_attention
            outs = att(cfg, w, call, q, v, k, v_mask)
            if q_mask is not None:
                outs[0] = outs[0] * q_mask[..., None]
        return outs if call.get("return_attention_scores") else outs[0]
    if cls == "Activation":
        return activation(cfg["activation"], x)
    if cls == "LayerNormalization":
        # per sample, mean and biased variance over `axis`; (x - mean) / sqrt(var + epsilon), then gamma and beta
        # reshaped to the axes' sizes with 1 elsewhere.
        axes = cfg.get("axis", -1)
        axes = sorted(a % x.ndim for a in (axes if isinstance(axes, list) else [axes]))
        mean = x.mean(axis=tuple(axes), keepdims=True)
        var = ((x - mean) ** 2).mean(axis=tuple(axes), keepdims=True)
        y = (x - mean) / np.sqrt(var + cfg.get("epsilon", 1e-3))
        shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
        k = 0
        if cfg.get("scale", True):
            y = y * w[k].reshape(shape)
            k += 1
        if cfg.get("center", True):
            y = y + w[k].reshape(shape)
        return y
    if cls == "ConvLSTM2D":
        outs = conv_lstm2d(cfg, w, xs)
        return outs if cfg.get("return_state") else outs[0]
    if cls == "Dense":  # x @ kernel + bias over the last axis, then the activation
        y = x @ w[0]
        if cfg.get("use_bias", True):
            y = y + w[1]
        return activation(cfg.get("activation"), y)
    if cls == "Rescaling":  # x * scale + offset
        return x * cfg.get("scale", 1.0) + cfg.get("offset", 0.0)
    if cls == "ReLU":
        # max_value if x >= max_value; x if threshold <= x < max_value; negative_slope * (x - threshold) otherwise
        top, slope, th = cfg.get("max_value"), cfg.get("negative_slope", 0.0), cfg.get("threshold", 0.0)
        y = np.where(x >= th, x, slope * (x - th))
        return y if top is None else np.where(x >= top, top, y)
    if cls == "LeakyReLU":  # x if x >= 0 else negative_slope * x (Keras 2 calls it alpha, default 0.3)
        slope = cfg["negative_slope"] if "negative_slope" in cfg else cfg.get("alpha", 0.3)
        return np.where(x >= 0, x, slope * x)
    if cls == "ELU":  # x if x > 0 else alpha * (exp(x) - 1)
        return np.where(x > 0, x, cfg.get("alpha", 1.0) * np.expm1(x))
    if cls == "Softmax":
        axis = cfg.get("axis", -1)
        if isinstance(axis, list):
            raise NotImplementedError("Softmax over several axes")
        return softmax(x, axis)
    if cls == "Subtract":  # inputs[0] - inputs[1]
        return xs[0] - xs[1]
    if cls == "Add":
        return sum(xs)
    if cls == "Concatenate":
        return np.concatenate(xs, axis=cfg.get("axis", -1))
    if cls in ("ZeroPadding1D", "ZeroPadding3D"):  # zeros before/after each spatial axis
        rank = 1 if cls == "ZeroPadding1D" else 3
        channels_last(cfg)
        p = pairs(cfg.get("padding", 1), rank)
        return np.pad(x, [(0, 0)] + p + [(0, 0)])
    if cls in ("Cropping1D", "Cropping3D"):  # drop (before, after) elements of each spatial axis
        rank = 1 if cls == "Cropping1D" else 3
        channels_last(cfg)
        c = pairs(cfg.get("cropping", 1), rank)
        idx = [slice(None)] + [slice(a, x.shape[1 + i] - b) for i, (a, b) in enumerate(c)] + [slice(None)]
        return x[tuple(idx)]
    if cls in ("UpSampling1D", "UpSampling3D"):  # repeat each step `size` times along each spatial axis
        rank = 1 if cls == "UpSampling1D" else 3
        channels_last(cfg)
        for i, s in enumerate(sizes(cfg.get("size", 2), rank)):
            x = np.repeat(x, s, axis=1 + i)
        return x
    if cls == "UnitNormalization":  # x / sqrt(max(sum(x^2 over axis), 1e-12)) (tf.linalg.l2_normalize)
        axis = cfg.get("axis", -1)
        axis = tuple(axis) if isinstance(axis, list) else axis
        return x / np.sqrt(np.maximum(np.sum(x * x, axis=axis, keepdims=True), 1e-12))
    if cls == "GroupNormalization":
        # channels split into `groups` contiguous groups; mean and (biased) variance over every non-batch axis
        # but the group; (x - mean) / sqrt(var + epsilon), then per-channel gamma (scale) and beta (center).
        if cfg.get("axis", -1) != -1:
            raise NotImplementedError("GroupNormalization axis != -1")
        groups, eps = cfg.get("groups", 32), cfg.get("epsilon", 1e-3)
        ch = x.shape[-1]
        g = x.reshape(x.shape[:-1] + (groups, ch // groups))
        red = tuple(range(1, g.ndim - 2)) + (g.ndim - 1,)
        mean = g.mean(axis=red, keepdims=True)
        var = ((g - mean) ** 2).mean(axis=red, keepdims=True)
        y = ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)
        k = 0
        if cfg.get("scale", True):
            y = y * w[k]
            k += 1
        if cfg.get("center", True):
            y = y + w[k]
        return y
    if cls == "Normalization":
        # (x - mean) / max(sqrt(variance), 1e-7), or with invert x * max(sqrt(variance), 1e-7) + mean; mean and
        # variance along `axis`, from the weights or (constructor arguments) the config.
        axis = cfg.get("axis", -1)
        if not isinstance(axis, int):
            raise NotImplementedError("Normalization over several axes")
        mean, var = (w[0], w[1]) if cfg.get("mean") is None else (cfg["mean"], cfg["variance"])
        shape = [1] * x.ndim
        shape[axis] = -1
        mean, var = (np.asarray(v, dtype=np.float64).reshape(shape) for v in (mean, var))
        std = np.maximum(np.sqrt(var), 1e-7)
        return x * std + mean if cfg.get("invert", False) else (x - mean) / std
    if cls == "EinsumDense":
        # einsum(equation, x, kernel); the bias spans the output axes from the first bias axis on, with size 1
        # on the axes not named in bias_axes, and broadcasts against the output's trailing axes.
        y = np.einsum(cfg["equation"], x, w[0])
        if cfg.get("bias_axes"):
            y = y + w[1]
        return activation(cfg.get("activation"), y)
    if cls == "Discretization":  # bucket = number of bin boundaries <= x (np.digitize), then the output mode
        bounds = cfg["bin_boundaries"]
        ids = np.digitize(x, bounds) if bounds else np.zeros(x.shape, dtype=np.int64)
        mode = cfg.get("output_mode", "int")
        if mode == "int":
            return ids
        return apply("CategoryEncoding", {"num_tokens": len(bounds) + 1, "output_mode": mode}, [], [ids])
    if cls == "Embedding":  # row `id` of the embedding matrix
        return w[0][x.astype(np.int64)]
    if cls == "Reshape":  # row-major, per sample
        return x.reshape((x.shape[0], *cfg["target_shape"]))
    if cls == "Flatten":  # row-major over the non-batch axes (channels_last)
        channels_last(cfg)
        return x.reshape(x.shape[0], -1)
    if cls == "CategoryEncoding":
        # integer ids in [0, num_tokens); one_hot: one vector per id (last axis of size 1 dropped);
        # multi_hot: 1 where a token occurs in the sample's last axis; count: how often it occurs.
        n, mode = cfg["num_tokens"], cfg.get("output_mode", "multi_hot")
        ids = x.astype(np.int64)
        if ids.min() < 0 or ids.max() >= n:
            raise ValueError("ids out of range")
        if mode == "one_hot":
            if ids.ndim > 1 and ids.shape[-1] == 1:
                ids = ids[..., 0]
            return np.eye(n)[ids]
        if ids.ndim == 1:
            ids = ids[:, None]
        counts = np.zeros(ids.shape[:-1] + (n,))
        for pos in np.ndindex(ids.shape):
            counts[pos[:-1] + (ids[pos],)] += 1
        return counts if mode == "count" else (counts > 0).astype(np.float64)
    if cls in ("GlobalAveragePooling3D", "GlobalMaxPooling3D", "GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        channels_last(cfg)
        axes = (1,) if cls.endswith("1D") else (1, 2, 3)
        f = np.mean if "Average" in cls else np.max
        return f(x, axis=axes, keepdims=bool(cfg.get("keepdims", False)))
    if cls in ("Conv1D", "Conv2D", "Conv3D"):
        rank = int(cls[4])
        y = conv(x, w[0], cfg, rank)
        if cfg.get("use_bias", True):
            y = y + w[1]
        return activation(cfg.get("activation"), y)
    if cls in ("DepthwiseConv1D", "DepthwiseConv2D"):
        rank = int(cls[13])
        y = conv(x, w[0], cfg, rank, depthwise=True)
        if cfg.get("use_bias", True):
            y = y + w[1]
        return activation(cfg.get("activation"), y)
    if cls in ("SeparableConv1D", "SeparableConv2D"):  # depthwise, then a 1x1 pointwise conv, then the bias
        rank = int(cls[13])
        y = conv(x, w[0], cfg, rank, depthwise=True)
        y = y @ w[1].reshape(w[1].shape[-2:])
        if cfg.get("use_bias", True):
            y = y + w[2]
        return activation(cfg.get("activation"), y)
    if cls in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
        rank = int(cls[4])
        y = conv_transpose(x, w[0], cfg, rank)
        if cfg.get("use_bias", True):
            y = y + w[1]
        return activation(cfg.get("activation"), y)
    if cls == "Resizing":
        if cfg.get("crop_to_aspect_ratio") or cfg.get("pad_to_aspect_ratio"):
            raise NotImplementedError("Resizing crop/pad to aspect ratio")
        channels_last(cfg)
        method = cfg.get("interpolation", "bilinear")
        x = resize_axis(x, 1, cfg["height"], method)
        return resize_axis(x, 2, cfg["width"], method)
    raise NotImplementedError(f"no numpy reference for {cls}")


# Keras masks ([N, T] booleans of a sequence's kept steps), as Keras's compute_mask passes them on: these layers
# hand their first input's mask through; merges combine their inputs' masks with a logical and; Embedding
# (mask_zero) and Masking make one; every other layer drops it.
MASK_PASSES = {
    "Dense",
    "Activation",
    "Dropout",
    "SpatialDropout1D",
    "AlphaDropout",
    "GaussianNoise",
    "GaussianDropout",
    "ActivityRegularization",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "ThresholdedReLU",
    "Softmax",
    "BatchNormalization",
    "LayerNormalization",
    "UnitNormalization",
    "Attention",
    "AdditiveAttention",
    "MultiHeadAttention",
}
MERGES = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}


def output_mask(cls, cfg, xs, ms):
    if cls == "Embedding":
        return xs[0] != 0 if cfg.get("mask_zero") else None
    if cls == "Masking":
        return np.any(xs[0] != cfg.get("mask_value", 0.0), axis=-1)
    if cls in MASK_PASSES:
        return ms[0] if ms else None
    if cls in MERGES:
        present = [m for m in ms if m is not None]
        return np.logical_and.reduce(present) if present else None
    if cls == "Concatenate":
        # inputs without a mask keep every step; masks broadcast over the features, concatenated like the
        # inputs, then reduced over the features: any() in Keras 3, all() in Keras 2
        if all(m is None for m in ms) or xs[0].ndim != 3:
            return None
        full = [
            np.broadcast_to((np.ones(x.shape[:2], bool) if m is None else m)[..., None], x.shape)
            for x, m in zip(xs, ms)
        ]
        joined = np.concatenate(full, axis=cfg.get("axis", -1))
        return joined.any(axis=-1) if KERAS3 else joined.all(axis=-1)
    return None


def output(values, ref):
    """Tensor `ref[2]` of layer `ref[0]` (layers with several outputs store a list)."""
    v = values[ref[0]]
    return v[ref[2]] if isinstance(v, list) else v


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 64
    feeds = {}
    for a in argv[3:]:
        name, path = a.split("=", 1)
        feeds[name] = np.load(path).astype(np.float64)
    with h5py.File(argv[1], "r") as f:
        cfg = json.loads(f.attrs["model_config"])
        version = f.attrs.get("keras_version", b"2")
        global KERAS3
        KERAS3 = int((version.decode() if isinstance(version, bytes) else str(version)).split(".")[0]) >= 3
        weights = read_weights(f)
    model = cfg["config"]
    values, masks = {}, {}  # by layer name: outputs, and the Keras mask of output 0
    try:
        if cfg["class_name"] == "Sequential":
            if len(feeds) != 1:
                raise ValueError("a Sequential model has one input")
            x, m = next(iter(feeds.values())), None
            for layer in model["layers"]:
                c = layer["config"]
                if layer["class_name"] == "InputLayer":
                    continue
                x, m = (
                    apply(layer["class_name"], c, weights.get(c["name"], []), [x], ms=[m]),
                    output_mask(layer["class_name"], c, [x], [m]),
                )
            out = x
        else:
            for layer in model["layers"]:
                name = layer["name"]
                if layer["class_name"] == "InputLayer":
                    values[name] = feeds[name]
                    continue
                if len(layer["inbound_nodes"]) != 1:
                    raise NotImplementedError("shared layers")
                # tf.keras node entries: [layer, node, tensor, call kwargs]; tensor kwargs are [layer, node, tensor]
                refs = layer["inbound_nodes"][0]
                xs = [output(values, ref) for ref in refs]
                call, kw = {}, {}
                for ref in refs:
                    for key, val in (ref[3] if len(ref) > 3 else {}).items():
                        if isinstance(val, list) and len(val) >= 3 and isinstance(val[0], str):
                            kw[key] = output(values, val)
                        else:
                            call[key] = val
                ms = [masks.get(ref[0]) for ref in refs]
                kwm = {
                    key: masks.get(val[0])
                    for key, val in (
                        (key, val) for ref in refs for key, val in (ref[3] if len(ref) > 3 else {}).items()
                    )
                    if key in kw
                }
                cls, c = layer["class_name"], layer["config"]
                values[name] = apply(cls, c, weights.get(name, []), xs, call, kw, ms, kwm)
                masks[name] = output_mask(cls, c, xs, ms)
            outs = model["output_layers"]
            if len(outs) != 1:
                raise NotImplementedError("several outputs")
            out = output(values, outs[0])
    except (NotImplementedError, KeyError, ValueError) as e:
        print(f"keras_numpy_reference: {e}", file=sys.stderr)
        return 2
    np.save(argv[2], np.asarray(out, dtype=np.float32))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
