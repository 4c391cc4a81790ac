#!/usr/bin/python3
"""Self-test for tools/node/npy.mjs, tools/node/ort_run.mjs and compare_npy.py.

Usage: tools/test_tensor_io.py     (needs `cd tools/node && npm ci --ignore-scripts`)

numpy/onnx write the fixtures, node reads them back, numpy checks the result,
so each side is checked against an independent implementation:
  * .npy of every supported dtype, v1.0 and v2.0 headers, 0-d/1-d/empty
    shapes, plus rejection of Fortran order, big-endian and float16;
  * TensorProto .pb with raw_data and with the typed repeated fields
    (float_data, double_data, int32_data, int64_data), negative values;
  * ort_run.mjs on an Identity model with one input/output per dtype and
    output names that need sanitizing;
  * compare_npy.py exit codes.
Exit 0 when all checks pass.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, "node")
DTYPES = {
    "float32": TensorProto.FLOAT, "float64": TensorProto.DOUBLE,
    "int32": TensorProto.INT32, "int64": TensorProto.INT64,
    "uint8": TensorProto.UINT8, "int8": TensorProto.INT8, "bool": TensorProto.BOOL,
}
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def sample(dtype, shape, rng):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.startswith("float"):
        return rng.standard_normal(shape).astype(dtype)
    info = np.iinfo(dtype)
    # include the extremes: they catch sign/varint bugs
    a = rng.integers(max(info.min, -1000), min(info.max, 1000), shape, dtype=dtype, endpoint=True)
    if a.size >= 2:
        a.flat[0], a.flat[1] = info.min, info.max
    return a


# Node helper: read each file with npy.mjs and write it back as .npy.
ROUNDTRIP_JS = """
import { readTensorFile, writeNpy } from '%s';
const [,, ...pairs] = process.argv;
for (let i = 0; i < pairs.length; i += 2) {
  try { writeNpy(pairs[i + 1], readTensorFile(pairs[i])); }
  catch (e) { console.log(JSON.stringify({ file: pairs[i], error: e.message })); }
}
""" % os.path.join(NODE_DIR, "npy.mjs").replace("\\", "/")


def run_node_roundtrip(tmp, pairs):
    script = os.path.join(tmp, "roundtrip.mjs")
    with open(script, "w") as f:
        f.write(ROUNDTRIP_JS)
    args = ["node", script] + [p for pair in pairs for p in pair]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return {j["file"]: j["error"] for j in map(json.loads, filter(None, out.splitlines()))}


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def test_npy_and_pb(tmp):
    rng = np.random.default_rng(0)
    cases = []  # (src, dst, expected array)
    for dtype in DTYPES:
        for shape in [(2, 3, 4), (5,), (), (0, 3)]:
            a = sample(dtype, shape, rng)
            tag = f"{dtype}_{'x'.join(map(str, shape)) or 'scalar'}"
            for ver in [(1, 0), (2, 0)]:
                p = os.path.join(tmp, f"{tag}_v{ver[0]}.npy")
                with open(p, "wb") as f:
                    np.lib.format.write_array(f, a, version=ver)
                cases.append((p, p + ".rt.npy", a))
            # TensorProto, raw_data form (what numpy_helper writes)
            p = os.path.join(tmp, f"{tag}_raw.pb")
            with open(p, "wb") as f:
                f.write(numpy_helper.from_array(a, "t").SerializeToString())
            cases.append((p, p + ".rt.npy", a))
            # TensorProto, typed repeated fields (float_data, int64_data, ...)
            p = os.path.join(tmp, f"{tag}_typed.pb")
            t = helper.make_tensor("t", DTYPES[dtype], list(a.shape), a.flatten().tolist(), raw=False)
            with open(p, "wb") as f:
                f.write(t.SerializeToString())
            cases.append((p, p + ".rt.npy", a))

    # must be rejected
    bad = {}
    p = os.path.join(tmp, "fortran.npy")
    np.save(p, np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
    bad[p] = "Fortran"
    p = os.path.join(tmp, "bigendian.npy")
    np.save(p, np.arange(3, dtype=">f4"))
    bad[p] = "unsupported .npy dtype"
    p = os.path.join(tmp, "half.npy")
    np.save(p, np.arange(3, dtype=np.float16))
    bad[p] = "unsupported .npy dtype"
    p = os.path.join(tmp, "half.pb")
    with open(p, "wb") as f:
        f.write(numpy_helper.from_array(np.arange(3, dtype=np.float16)).SerializeToString())
    bad[p] = "FLOAT16"
    p = os.path.join(tmp, "truncated.npy")
    np.save(p, np.arange(10, dtype=np.float64))
    with open(p, "r+b") as f:
        f.truncate(os.path.getsize(p) - 8)
    bad[p] = "truncated"

    errors = run_node_roundtrip(tmp, [(s, d) for s, d, _ in cases] + [(p, p + ".rt.npy") for p in bad])
    for src, dst, a in cases:
        if src in errors:
            check(False, f"read {os.path.basename(src)}: {errors[src]}")
            continue
        b = np.load(dst)
        check(same(a, b), f"roundtrip {os.path.basename(src)} -> {b.dtype}{list(b.shape)}")
    for p, needle in bad.items():
        check(needle in errors.get(p, ""), f"rejects {os.path.basename(p)}: {errors.get(p, 'NOT REJECTED')}")


def test_ort_run(tmp):
    # One Identity per dtype; output names need sanitizing ('/', ':', ' ').
    inputs, outputs, nodes, feeds = [], [], [], []
    rng = np.random.default_rng(1)
    for i, (dtype, code) in enumerate(DTYPES.items()):
        shape = [2, 3] if i % 2 else [4]
        inputs.append(helper.make_tensor_value_info(f"in_{dtype}", code, shape))
        out_name = f"out/{dtype}:0 x"
        outputs.append(helper.make_tensor_value_info(out_name, code, shape))
        nodes.append(helper.make_node("Identity", [f"in_{dtype}"], [out_name]))
        a = sample(dtype, shape, rng)
        p = os.path.join(tmp, f"feed_{dtype}" + (".pb" if i % 2 else ".npy"))
        if p.endswith(".pb"):
            with open(p, "wb") as f:
                f.write(numpy_helper.from_array(a, f"in_{dtype}").SerializeToString())
        else:
            np.save(p, a)
        feeds.append((f"in_{dtype}", p, a, out_name))
    model = helper.make_model(helper.make_graph(nodes, "identity_all_dtypes", inputs, outputs),
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8  # onnx 1.12 default; fine for onnxruntime 1.30
    mpath = os.path.join(tmp, "identity.onnx")
    onnx.save(model, mpath)

    outdir = os.path.join(tmp, "ort_out")
    args = ["node", os.path.join(NODE_DIR, "ort_run.mjs"), mpath, "--output-dir", outdir,
            "--threads", "1", "--opt-level", "basic", "--json"]
    for i, (name, p, _, _) in enumerate(feeds):
        # .pb feeds go without NAME= to exercise name lookup from the proto
        args += ["--input", p if p.endswith(".pb") else f"{name}={p}"]
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, f"ort_run exit code {r.returncode} {r.stderr.strip()}")
    if r.returncode != 0:
        return
    summary = json.loads(r.stdout)
    check(isinstance(summary.get("load_ms"), (int, float)) and isinstance(summary.get("run_ms"), (int, float)),
          "ort_run summary has load_ms/run_ms")
    by_name = {o["name"]: o for o in summary["outputs"]}
    for name, _, a, out_name in feeds:
        fname = out_name.replace("/", "_").replace(":", "_").replace(" ", "_") + ".npy"
        path = os.path.join(outdir, fname)
        ok = os.path.exists(path) and same(np.load(path), a)
        o = by_name.get(out_name, {})
        ok = ok and o.get("shape") == list(a.shape) and o.get("dtype") == str(a.dtype)
        check(ok, f"ort_run output {out_name!r} -> {fname}")

    r = subprocess.run(["node", os.path.join(NODE_DIR, "ort_run.mjs"), mpath, "--output-dir", outdir],
                       capture_output=True, text=True)
    check(r.returncode == 2, "ort_run without --input is a usage error (exit 2)")


def test_compare(tmp):
    cmp = [sys.executable, os.path.join(HERE, "compare_npy.py")]
    b = np.array([1.0, -2.0, 0.0, 1000.0], dtype=np.float32)
    pb = os.path.join(tmp, "b.npy")
    np.save(pb, b)
    for name, a, rc in [
        ("equal", b.copy(), 0),
        ("within rtol", b * (1 + 5e-4), 0),
        ("within atol at 0", b + np.array([0, 0, 9e-5, 0], np.float32), 0),
        ("atol exceeded at 0", b + np.array([0, 0, 2e-4, 0], np.float32), 1),
        ("nan", np.array([1, -2, np.nan, 1000], np.float32), 1),
        ("shape", b[:3], 1),
    ]:
        pa = os.path.join(tmp, "a.npy")
        np.save(pa, a)
        r = subprocess.run(cmp + [pa, pb], capture_output=True, text=True)
        check(r.returncode == rc, f"compare_npy {name}: exit {r.returncode}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_npy_and_pb(tmp)
        test_ort_run(tmp)
        test_compare(tmp)
    print(f"\n{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
