#!/usr/bin/env python3
"""Generate small hand-built ONNX models (opset 13) for konnx engine tests.

Usage: tools/gen_onnx_models.py OUTDIR

Writes:
  unsupported_op.onnx        X -> com.example::FooBar -> Relu -> NotARealOp -> Y.
                             The loader must fail and name *both* missing ops
                             (FooBar in domain com.example, NotARealOp in the
                             default domain), not just the first one.
  mlp.onnx + mlp/            784-512-512-10 MatMul/Add/Relu + Softmax, seeded
                             weights; reference computed with numpy (float64,
                             stored as float32).
  dynamic_batch.onnx + dynamic_batch/
                             input [N,3,16,16] (symbolic N), Conv 3x3 pad 1 ->
                             Relu -> GlobalAveragePool -> [N,8,1,1]; references
                             computed with torch for N=1 (test_data_set_0,
                             *_0.npy) and N=3 (test_data_set_1, *_1.npy).
  external_data/             model.onnx whose initializers live in weights.bin
                             (ONNX external data); must load and run.
  external_data_escape/      model.onnx whose initializers point at
                             ../outside.bin.  OUTDIR/outside.bin exists and
                             holds valid data, so an engine that loads it has
                             skipped the path check: it must be rejected.
  manifest.json              what each model tests and the expected result.

Data directories use the ONNX backend-test layout (test_data_set_K/input_0.pb,
output_0.pb) plus .npy copies.  All reference outputs are computed here with
numpy/torch, never by konnx.  Everything is seeded; reruns are byte-identical.
"""

import json
import os
import shutil
import sys

import numpy as np
import torch

import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
SEED = 1234


def make_model(graph, extra_opsets=()):
    opsets = [helper.make_opsetid("", OPSET)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="konnx-gen_onnx_models")
    model.ir_version = 8  # onnx 1.12's default; pinned so reruns match
    return model


def save_test_data(d, k, inputs, outputs):
    """inputs/outputs: lists of (name, array). Writes test_data_set_k/*.pb and
    the .npy copies (input_k.npy / output_k.npy for single-tensor sets)."""
    ds = os.path.join(d, f"test_data_set_{k}")
    os.makedirs(ds, exist_ok=True)
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for i, (name, arr) in enumerate(tensors):
            with open(os.path.join(ds, f"{kind}_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(arr, name).SerializeToString())
        if len(tensors) == 1:
            np.save(os.path.join(d, f"{kind}_{k}.npy"), tensors[0][1])


# --------------------------------------------------------------- (a) ----


def gen_unsupported_op(out):
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 4])
    nodes = [
        helper.make_node("FooBar", ["X"], ["A"], domain="com.example", name="foobar"),
        helper.make_node("Relu", ["A"], ["B"], name="relu"),  # a supported op in between
        helper.make_node("NotARealOp", ["B"], ["Y"], name="not_real"),
    ]
    model = make_model(helper.make_graph(nodes, "unsupported_op", [x], [y]), extra_opsets=[("com.example", 1)])
    # No onnx.checker here: it would (rightly) refuse the unknown ops.
    onnx.save(model, os.path.join(out, "unsupported_op.onnx"))
    return {
        "file": "unsupported_op.onnx",
        "expect": "load error naming every missing op",
        "missing_ops": ["com.example::FooBar", "NotARealOp"],
    }


# --------------------------------------------------------------- (b) ----


def gen_mlp(out):
    rng = np.random.default_rng(SEED)
    sizes = [784, 512, 512, 10]
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        # He init keeps the hidden activations O(1); small random biases.
        w = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        b = (rng.standard_normal(fan_out) * 0.1).astype(np.float32)
        weights.append((w, b))
    x = rng.random((1, 784), dtype=np.float32)  # MNIST-like pixel values in [0, 1)

    inits, nodes, cur = [], [], "input"
    for i, (w, b) in enumerate(weights):
        inits += [numpy_helper.from_array(w, f"fc{i}.weight"), numpy_helper.from_array(b, f"fc{i}.bias")]
        nodes.append(helper.make_node("MatMul", [cur, f"fc{i}.weight"], [f"fc{i}.mm"]))
        nodes.append(helper.make_node("Add", [f"fc{i}.mm", f"fc{i}.bias"], [f"fc{i}.out"]))
        cur = f"fc{i}.out"
        if i < len(weights) - 1:
            nodes.append(helper.make_node("Relu", [cur], [f"relu{i}"]))
            cur = f"relu{i}"
    nodes.append(helper.make_node("Softmax", [cur], ["output"], axis=-1))
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 784])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])],
        initializer=inits,
    )
    model = make_model(graph)
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "mlp.onnx"))

    # Reference in float64 from the float32 weights, then rounded once.
    h = x.astype(np.float64)
    for i, (w, b) in enumerate(weights):
        h = h @ w.astype(np.float64) + b.astype(np.float64)
        if i < len(weights) - 1:
            h = np.maximum(h, 0.0)
    e = np.exp(h - h.max(axis=-1, keepdims=True))
    y = (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
    save_test_data(os.path.join(out, "mlp"), 0, [("input", x)], [("output", y)])
    return {"file": "mlp.onnx", "data": "mlp/", "expect": "matches reference", "output_max_prob": float(y.max())}


# --------------------------------------------------------------- (c) ----


def gen_dynamic_batch(out):
    rng = np.random.default_rng(SEED + 1)
    w = (rng.standard_normal((8, 3, 3, 3)) * np.sqrt(2.0 / 27)).astype(np.float32)
    b = (rng.standard_normal(8) * 0.1).astype(np.float32)
    nodes = [
        helper.make_node(
            "Conv",
            ["input", "conv.weight", "conv.bias"],
            ["conv"],
            kernel_shape=[3, 3],
            pads=[1, 1, 1, 1],
            strides=[1, 1],
        ),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("GlobalAveragePool", ["relu"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "dynamic_batch",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 16, 16])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 8, 1, 1])],
        initializer=[numpy_helper.from_array(w, "conv.weight"), numpy_helper.from_array(b, "conv.bias")],
    )
    model = make_model(graph)
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "dynamic_batch.onnx"))

    d = os.path.join(out, "dynamic_batch")
    for k, n in enumerate([1, 3]):
        x = rng.standard_normal((n, 3, 16, 16), dtype=np.float32)
        with torch.no_grad():  # float64 torch reference, rounded once
            t = torch.nn.functional.conv2d(
                torch.from_numpy(x).double(), torch.from_numpy(w).double(), torch.from_numpy(b).double(), padding=1
            )
            y = torch.nn.functional.adaptive_avg_pool2d(torch.relu(t), 1).float().numpy()
        save_test_data(d, k, [("input", x)], [("output", y)])
    return {
        "file": "dynamic_batch.onnx",
        "data": "dynamic_batch/",
        "expect": "matches reference for N=1 (test_data_set_0) and N=3 (test_data_set_1)",
    }


# --------------------------------------------------------------- (d) ----


def _ext_graph(rng):
    """input [1,64] -> MatMul W[64,32] -> Add B[32] -> Relu -> output [1,32]."""
    w = rng.standard_normal((64, 32)).astype(np.float32) * np.float32(np.sqrt(2.0 / 64))
    b = (rng.standard_normal(32) * 0.1).astype(np.float32)
    x = rng.standard_normal((1, 64), dtype=np.float32)
    y = np.maximum(x.astype(np.float64) @ w.astype(np.float64) + b, 0.0).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["input", "W"], ["mm"]),
        helper.make_node("Add", ["mm", "B"], ["add"]),
        helper.make_node("Relu", ["add"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "external_data",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 32])],
        initializer=[numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")],
    )
    return graph, x, y


def _point_to_external(tensor, location, offset, length):
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    del tensor.external_data[:]
    for k, v in (("location", location), ("offset", str(offset)), ("length", str(length))):
        entry = tensor.external_data.add()
        entry.key, entry.value = k, v


def _write_external(model, data_path, location):
    """Move every initializer into one side file at data_path, referenced as
    `location` in the model; offsets 16-byte aligned."""
    blob = bytearray()
    for t in model.graph.initializer:
        raw = numpy_helper.to_array(t).tobytes()
        blob += b"\0" * (-len(blob) % 16)
        offset = len(blob)
        blob += raw
        _point_to_external(t, location, offset, len(raw))
    with open(data_path, "wb") as f:
        f.write(blob)


def gen_external_data(out):
    rng = np.random.default_rng(SEED + 2)
    graph, x, y = _ext_graph(rng)
    d = os.path.join(out, "external_data")
    os.makedirs(d, exist_ok=True)
    model = make_model(graph)
    _write_external(model, os.path.join(d, "weights.bin"), "weights.bin")
    path = os.path.join(d, "model.onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    onnx.checker.check_model(path)  # path form: also validates the external refs
    # Sanity: onnx itself loads the side file back to the same weights.
    reloaded = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    assert all(
        np.array_equal(reloaded[t.name], numpy_helper.to_array(t0))
        for t, t0 in zip(model.graph.initializer, graph.initializer)
    )
    save_test_data(d, 0, [("input", x)], [("output", y)])

    # Escape variant: same weights, location '../outside.bin'.  The file is
    # real and valid so only a path check can make the load fail.
    graph2, x2, y2 = _ext_graph(np.random.default_rng(SEED + 2))
    d2 = os.path.join(out, "external_data_escape")
    os.makedirs(d2, exist_ok=True)
    model2 = make_model(graph2)
    _write_external(model2, os.path.join(out, "outside.bin"), "../outside.bin")
    with open(os.path.join(d2, "model.onnx"), "wb") as f:
        f.write(model2.SerializeToString())  # no checker: it may reject '..'
    save_test_data(d2, 0, [("input", x2)], [("output", y2)])
    return [
        {
            "file": "external_data/model.onnx",
            "data": "external_data/",
            "side_file": "external_data/weights.bin",
            "expect": "loads external initializers and matches reference",
        },
        {
            "file": "external_data_escape/model.onnx",
            "side_file": "outside.bin",
            "expect": "load error: external data location '../outside.bin' escapes the model directory",
            "note": "test_data_set_0 holds what the model would compute if (wrongly) loaded",
        },
    ]


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print(__doc__)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # Start from a clean slate for the generated names (idempotent reruns).
    for name in ("mlp", "dynamic_batch", "external_data", "external_data_escape"):
        shutil.rmtree(os.path.join(out, name), ignore_errors=True)

    torch.manual_seed(SEED)
    manifest = {
        "opset": OPSET,
        "models": {
            "unsupported_op": gen_unsupported_op(out),
            "mlp": gen_mlp(out),
            "dynamic_batch": gen_dynamic_batch(out),
        },
    }
    ext, esc = gen_external_data(out)
    manifest["models"]["external_data"] = ext
    manifest["models"]["external_data_escape"] = esc
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    for name, m in manifest["models"].items():
        print(f"{name:22s} {m['file']:34s} {m['expect']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
