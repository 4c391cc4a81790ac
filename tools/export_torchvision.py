#!/usr/bin/env python3
"""Export torchvision classification models to ONNX with reference data (.venv: torch 2.15, torchvision 0.29).

Usage:
    tools/export_torchvision.py OUTDIR [--models a,b,...] [--opset 13] [--force]

For every model this writes (ONNX backend-test layout plus .npy copies):

    OUTDIR/<model>/model.onnx
    OUTDIR/<model>/input_0.npy                     float32, standard normal
    OUTDIR/<model>/output_0.npy                    PyTorch's output
    OUTDIR/<model>/test_data_set_0/input_0.pb      same tensors as TensorProto
    OUTDIR/<model>/test_data_set_0/output_0.pb
    OUTDIR/<model>/info.json                       shapes, opset, op histogram, ...

Weights are random (weights=None, no downloads) with torch.manual_seed fixed.
A freshly initialised network is a poor test oracle, so before exporting we
make it behave like a trained one (see `make_meaningful`):

  * BatchNorm affine parameters (default gamma=1, beta=0) are re-randomised to
    gamma ~ U(0.5, 1.5), beta ~ U(0.25, 1.25).  The positive beta matters: with
    beta = 0 half of the following ReLUs are off, and a random conv+BN+ReLU
    stack then amplifies any perturbation ~1.2x per layer, so plain float32
    rounding grew to 4e-4 on inception_v3's logits (vs a float64 run) and
    torch and onnxruntime disagreed beyond atol 1e-4 although both are right.
  * BatchNorm running stats are *calibrated*: every BatchNorm layer is switched
    to cumulative-average training mode and fed 4 seeded random images (the
    rest of the model stays in eval mode, so dropout / stochastic depth are
    off).  With the default stats (mean 0, var 1) deep random nets blow up or
    collapse; calibrated stats keep activations at O(1) like a trained
    network.  The variance is floored at 10% of the layer's median (a near-
    zero variance would amplify rounding by up to 1/sqrt(eps)).  The test
    input is a different draw, so the stats are not an exact identity for it.
    We deliberately do NOT add noise to the calibrated stats (such as
    var * U(0.5, 1.5)): the mismatch compounds through chained BN layers
    (efficientnet_b0's classifier input reached ~1e4, float32 drifted 3e-3).
  * ConvNeXt's layer_scale is initialised to 1e-6, which would make every
    residual block invisible in the output; it is re-drawn from U(0.1, 0.5).
  * Finally the last classifier layer (Linear, or squeezenet's final 1x1 Conv)
    is scaled so the logits on the calibration batch have std ~= 4 (so they
    span roughly -15..15): several torchvision models init that layer with
    std 0.01, which gives near-equal logits that atol 1e-4 cannot test.
    squeezenet1_1 ends in ReLU + average pool, so ~16% of its logits are
    exactly 0, as in the real model.

Every export also runs the prepared model in float64 and records the gap to
the float32 reference in info.json ("float32_vs_float64"); a warning is
printed if float32 rounding alone uses over 25% of rtol 1e-3 / atol 1e-4.
Measured: at most 15% (inception_v3, googlenet), typically under 5%.

All randomness is seeded, so re-running produces byte-identical data (modulo
export timing in info.json).  Models whose outputs all exist are skipped
unless --force is given; info.json is written last and acts as the marker.
"""

import argparse
import collections
import copy
import json
import os
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
import torchvision

import onnx
from onnx import numpy_helper

ALL_MODELS = [
    "resnet18",
    "resnet50",
    "mobilenet_v2",
    "mobilenet_v3_small",
    "squeezenet1_1",
    "densenet121",
    "googlenet",
    "inception_v3",
    "shufflenet_v2_x1_0",
    "mnasnet1_0",
    "efficientnet_b0",
    "regnet_y_400mf",
    "convnext_tiny",
]

# Op set the engine issue was written against (union over all 13 models).
EXPECTED_OPS = set(
    """
Add AveragePool BatchNormalization Cast Clip Concat Constant Conv Div Erf
Flatten Gather Gemm GlobalAveragePool HardSigmoid Identity MatMul MaxPool Mul
Pad Pow ReduceMean Relu Reshape Shape Sigmoid Slice Sqrt Sub Transpose
Unsqueeze""".split()
)

SEED = 0
CALIB_IMAGES = 4  # BN stats pool over N*H*W, so 4 images are plenty
TARGET_LOGIT_STD = 4.0

# Per-model constructor kwargs beyond weights=None.  Inception-style models
# get aux_logits=False (the aux heads are dead code in eval mode, they only
# inflate the parameter count) and init_weights=True (what None defaults to,
# minus the FutureWarning).  Everything else uses torchvision's defaults.
MODEL_KWARGS = {
    "inception_v3": dict(aux_logits=False, init_weights=True),
    "googlenet": dict(aux_logits=False, init_weights=True),
}


def input_size(name):
    return 299 if name == "inception_v3" else 224


def build_model(name):
    ctor = getattr(torchvision.models, name)
    return ctor(weights=None, **MODEL_KWARGS.get(name, {}))


def last_classifier(model):
    """The final Linear/Conv2d in definition order (all 13 models define the
    classifier last)."""
    last = None
    for m in model.modules():
        if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
            last = m
    return last


@torch.no_grad()
def make_meaningful(name, model, calib):
    """Turn a random-init model into one with realistic activation scales.
    Returns a dict describing what was changed (stored in info.json)."""
    g = torch.Generator().manual_seed(SEED + 1)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]

    # 1. Random BN affine params.  beta > 0 on average on purpose: with
    #    beta = 0 half the following ReLUs are off and a random conv+BN+ReLU
    #    stack amplifies any perturbation ~1.2x per layer (the BN "gradient
    #    explosion" at init); inception_v3's float32 logits then drifted 4e-4
    #    from float64, so torch-vs-ORT differences alone exceeded atol 1e-4.
    for bn in bns:
        if bn.affine:
            bn.weight.copy_(torch.rand(bn.weight.shape, generator=g) + 0.5)
            bn.bias.copy_(torch.rand(bn.bias.shape, generator=g) + 0.25)

    # 2. ConvNeXt layer scale (1e-6 by default -> blocks would be invisible).
    n_layer_scale = 0
    for mod_name, p in model.named_parameters():
        if mod_name.endswith("layer_scale"):
            p.copy_(torch.rand(p.shape, generator=g) * 0.4 + 0.1)
            n_layer_scale += 1

    # 3. Calibrate BN running stats: only the BN layers run in training mode,
    #    with momentum=None (cumulative moving average over the batches).
    model.eval()
    saved_momentum = []
    for bn in bns:
        bn.reset_running_stats()
        saved_momentum.append(bn.momentum)
        bn.momentum = None
        bn.train()
    if bns:  # nothing to calibrate otherwise (squeezenet, convnext)
        model(calib)
    for bn, mom in zip(bns, saved_momentum):
        bn.momentum = mom
        bn.eval()
        # Floor near-dead channels: 1/sqrt(var+eps) would amplify rounding.
        bn.running_var.clamp_(min=float(0.1 * bn.running_var.median()))

    # 4. Scale the classifier so logits are O(1)-O(10) and clearly distinct.
    head = last_classifier(model)
    logits = model(calib)
    std_before = float(logits.std())
    scale = TARGET_LOGIT_STD / std_before if std_before > 0 else 1.0
    head.weight.mul_(scale)
    if head.bias is not None:
        head.bias.mul_(scale)
    return {
        "batchnorm_layers_calibrated": len(bns),
        "layer_scale_params_rerandomized": n_layer_scale,
        "classifier": type(head).__name__,
        "classifier_scale": scale,
        "calib_logit_std_before_scaling": std_before,
    }


def op_histogram(model_proto):
    """op_type counts over the graph (and any subgraphs); custom domains are
    shown as domain::op."""
    hist = collections.Counter()

    def walk(graph):
        for node in graph.node:
            key = node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}::{node.op_type}"
            hist[key] += 1
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    walk(attr.g)
                for sub in attr.graphs:
                    walk(sub)

    walk(model_proto.graph)
    return dict(sorted(hist.items()))


def atomic_write(path, write_fn, mode="wb"):
    """Write via a temp file + rename so an interrupted run never leaves a
    truncated file that the incremental check would accept."""
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    try:
        with os.fdopen(fd, mode) as f:
            write_fn(f)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def outputs_of(outdir, name):
    d = os.path.join(outdir, name)
    return [
        os.path.join(d, p)
        for p in (
            "model.onnx",
            "input_0.npy",
            "output_0.npy",
            "test_data_set_0/input_0.pb",
            "test_data_set_0/output_0.pb",
            "info.json",
        )
    ]


def export_one(name, outdir, opset):
    d = os.path.join(outdir, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    t0 = time.perf_counter()

    torch.manual_seed(SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build_model(name)
    model.eval()
    hw = input_size(name)
    shape = (1, 3, hw, hw)

    calib = torch.randn((CALIB_IMAGES, 3, hw, hw), generator=torch.Generator().manual_seed(SEED + 2))
    fixes = make_meaningful(name, model, calib)
    t_prep = time.perf_counter() - t0

    x = np.random.default_rng(SEED).standard_normal(shape, dtype=np.float32)
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy().astype(np.float32)
        # Conditioning check: how far is float32 PyTorch from a float64 run?
        # If that gap is not well inside the comparison tolerance, two correct
        # float32 engines could disagree and the reference would be useless.
        y64 = copy.deepcopy(model).double()(torch.from_numpy(x).double()).numpy()
    gap = np.abs(y.astype(np.float64) - y64)
    f64_check = {
        "max_abs_diff": float(gap.max()),
        # max |y32 - y64| / (atol + rtol*|y64|) at rtol 1e-3, atol 1e-4; <1 passes
        "tolerance_fraction": float((gap / (1e-4 + 1e-3 * np.abs(y64))).max()),
    }

    t1 = time.perf_counter()
    onnx_path = os.path.join(d, "model.onnx")
    tmp_onnx = onnx_path + ".tmp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            torch.from_numpy(x),
            tmp_onnx,
            export_params=True,
            opset_version=opset,
            do_constant_folding=True,
            input_names=["input"],
            output_names=["output"],
            dynamo=False,
        )  # the TorchScript exporter: opset 13 as before (the dynamo one starts at 18)
    t_export = time.perf_counter() - t1

    proto = onnx.load(tmp_onnx)
    onnx.checker.check_model(proto)
    os.replace(tmp_onnx, onnx_path)

    atomic_write(os.path.join(d, "input_0.npy"), lambda f: np.save(f, x))
    atomic_write(os.path.join(d, "output_0.npy"), lambda f: np.save(f, y))
    atomic_write(
        os.path.join(d, "test_data_set_0/input_0.pb"),
        lambda f: f.write(numpy_helper.from_array(x, "input").SerializeToString()),
    )
    atomic_write(
        os.path.join(d, "test_data_set_0/output_0.pb"),
        lambda f: f.write(numpy_helper.from_array(y, "output").SerializeToString()),
    )

    flat = y.reshape(-1)
    top5 = np.argsort(-flat)[:5]
    info = {
        "model": name,
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "constructor_kwargs": dict(weights=None, **MODEL_KWARGS.get(name, {})),
        "seed": SEED,
        "input_name": "input",
        "input_shape": list(shape),
        "output_name": "output",
        "output_shape": list(y.shape),
        "opset": opset,
        "op_histogram": op_histogram(proto),
        "node_count": len(proto.graph.node),
        "param_count": int(sum(p.numel() for p in model.parameters())),
        "onnx_initializer_elements": int(sum(np.prod(t.dims, dtype=np.int64) for t in proto.graph.initializer)),
        "export_time_s": round(t_export, 3),
        "prepare_time_s": round(t_prep, 3),
        "total_time_s": round(time.perf_counter() - t0, 3),
        "reference_fixups": fixes,
        "float32_vs_float64": f64_check,
        "output_stats": {
            "min": float(flat.min()),
            "max": float(flat.max()),
            "mean": float(flat.mean()),
            "std": float(flat.std()),
            "top5_index": [int(i) for i in top5],
            "top5_value": [float(flat[i]) for i in top5],
        },
    }
    # Written last: its presence marks the model as complete.
    atomic_write(os.path.join(d, "info.json"), lambda f: f.write(json.dumps(info, indent=2) + "\n"), mode="w")
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--models", default=",".join(ALL_MODELS), help="comma-separated subset (default: all 13)")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--force", action="store_true", help="re-export even if outputs exist")
    args = ap.parse_args()

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in ALL_MODELS]
    if unknown:
        ap.error(f"unknown model(s): {', '.join(unknown)}; known: {', '.join(ALL_MODELS)}")
    os.makedirs(args.outdir, exist_ok=True)

    union = collections.Counter()
    t_all = time.perf_counter()
    for name in models:
        info_path = outputs_of(args.outdir, name)[-1]
        if not args.force and all(os.path.exists(p) for p in outputs_of(args.outdir, name)):
            with open(info_path) as f:
                info = json.load(f)
            if info.get("opset") == args.opset:
                print(f"{name:20s} skipped (exists; --force to redo)", flush=True)
                union.update(info["op_histogram"])
                continue
        info = export_one(name, args.outdir, args.opset)
        union.update(info["op_histogram"])
        st = info["output_stats"]
        print(
            f"{name:20s} export {info['export_time_s']:6.2f}s total {info['total_time_s']:6.2f}s "
            f"params {info['param_count']:>9d} nodes {info['node_count']:4d} "
            f"logits [{st['min']:.2f}, {st['max']:.2f}] std {st['std']:.2f} "
            f"f32-vs-f64 {info['float32_vs_float64']['max_abs_diff']:.1e}",
            flush=True,
        )
        if info["float32_vs_float64"]["tolerance_fraction"] > 0.25:
            print(
                f"WARNING: {name}: float32 rounding alone uses "
                f"{info['float32_vs_float64']['tolerance_fraction']:.0%} of rtol 1e-3/atol 1e-4",
                flush=True,
            )
    print(f"total wall time: {time.perf_counter() - t_all:.1f}s for {len(models)} model(s)")

    ops = set(union)
    print(f"op union ({len(ops)}): {', '.join(sorted(ops))}")
    if set(models) == set(ALL_MODELS):
        missing, extra = EXPECTED_OPS - ops, ops - EXPECTED_OPS
        if missing or extra:
            print(f"DIFFERS from expected list: missing {sorted(missing)}, extra {sorted(extra)}")
        else:
            print("matches the expected op list exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
