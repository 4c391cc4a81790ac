#!/usr/bin/env python3
"""Runs an ONNX model in onnxruntime (the peer runtime konnx is held against) and writes every output as .npy.

    .venv/bin/python tools/ort_run.py MODEL.onnx --input NAME=FILE [--input ...] --output-dir DIR
        [--threads N] [--opt-level all|basic|disabled] [--repeat N] [--json]

FILE is a .npy or an ONNX TensorProto .pb. `--input FILE` without NAME= takes the TensorProto's own name (.pb)
or else the next model input in order. Outputs go to DIR/<sanitized name>.npy (characters outside
[A-Za-z0-9._-] become '_'). A summary (outputs, shapes, dtypes, session load ms, run ms) is printed as text, or
as one JSON object with --json. Exit 0 on success, 2 on usage errors, 1 on any other failure.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import onnx.numpy_helper
import onnxruntime as ort

import onnx

OPT_LEVELS = {
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
}


def read_tensor(path: str) -> tuple[str | None, np.ndarray]:
    """(name or None, array) from a .npy or a TensorProto .pb."""
    if path.lower().endswith(".pb"):
        proto = onnx.TensorProto()
        proto.ParseFromString(Path(path).read_bytes())
        return proto.name or None, onnx.numpy_helper.to_array(proto)
    return None, np.load(path, allow_pickle=False)


def sanitize(name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return f"_{safe}" if re.fullmatch(r"\.*", safe) else safe


def parse_input(value: str) -> tuple[str | None, str]:
    # NAME=FILE; a name may itself hold '=', so split on the last '=' before a tensor file name.
    m = re.fullmatch(r"(.*)=([^=]+\.(?:npy|pb))", value, flags=re.I)
    return (m.group(1), m.group(2)) if m else (None, value)


def bind_feeds(session: ort.InferenceSession, inputs: list[tuple[str | None, str]]) -> dict[str, np.ndarray]:
    names = [i.name for i in session.get_inputs()]
    feeds: dict[str, np.ndarray] = {}
    for name, file in inputs:
        own, array = read_tensor(file)
        if name is None:
            name = own if own in names else next((n for n in names if n not in feeds), None)
            if name is None:
                raise ValueError(f"no model input left for {file}")
        if name not in names:
            raise ValueError(f"model has no input '{name}' (inputs: {', '.join(names)})")
        if name in feeds:
            raise ValueError(f"input '{name}' given twice")
        feeds[name] = array
    missing = [n for n in names if n not in feeds]
    if missing:
        raise ValueError(f"missing model input(s): {', '.join(missing)}")
    return feeds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--input", action="append", default=[], required=True)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--opt-level", choices=sorted(OPT_LEVELS), default="all")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)  # exits 2 on usage errors
    if args.threads < 0 or args.repeat < 1:
        parser.error("--threads must be >= 0 and --repeat >= 1")

    options = ort.SessionOptions()
    options.graph_optimization_level = OPT_LEVELS[args.opt_level]
    if args.threads:
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
    t0 = time.perf_counter()
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    load_ms = (time.perf_counter() - t0) * 1e3
    feeds = bind_feeds(session, [parse_input(v) for v in args.input])

    run_ms: list[float] = []
    results: list[np.ndarray] = []
    for _ in range(args.repeat):
        t1 = time.perf_counter()
        results = session.run(None, feeds)
        run_ms.append((time.perf_counter() - t1) * 1e3)

    out_dir = Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    outputs = []
    for meta, value in zip(session.get_outputs(), results):
        base, k = sanitize(meta.name), 1
        while base in used:  # distinct names can sanitize to the same file name
            base, k = f"{sanitize(meta.name)}_{k}", k + 1
        used.add(base)
        file = out_dir / f"{base}.npy"
        array = np.asarray(value)
        np.save(file, array)
        outputs.append({"name": meta.name, "file": str(file), "shape": list(array.shape), "dtype": str(array.dtype)})

    summary = {
        "model": args.model,
        "ort_version": ort.__version__,
        "threads": args.threads or None,
        "opt_level": args.opt_level,
        "inputs": {n: {"shape": list(a.shape), "dtype": str(a.dtype)} for n, a in feeds.items()},
        "outputs": outputs,
        "load_ms": round(load_ms, 3),
        "run_ms": round(run_ms[0], 3),
    }
    if args.repeat > 1:
        summary.update(repeat=args.repeat, run_ms_median=round(statistics.median(run_ms), 3))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"model   {args.model}")
        print(f"load    {load_ms:.1f} ms, run {run_ms[0]:.1f} ms")
        for o in outputs:
            print(f"output  {o['name']}  {o['dtype']}{o['shape']}  -> {o['file']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # one line, as the CLI tools do
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
