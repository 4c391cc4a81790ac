#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks `konnx classify` against onnxruntime fed the same preprocessed tensor.

  tools/classify_vs_ort.py KONNX MODEL.onnx IMAGE [--top-k 5] [-- extra classify flags]

Runs `KONNX classify MODEL IMAGE --json --save-input x.npy [flags]`, feeds x.npy to onnxruntime (the Python
package in .venv, through tools/ort_run.py), turns ORT's first output into
probabilities with the rule konnx uses (softmax unless already non-negative and summing to 1 within 1e-3),
and requires the same top-k classes with the same probabilities printed to 3 decimals. Ties at 3 decimals
may swap places. Exit 0 on agreement, 1 on a mismatch, 2 on a usage or tool error.
Test tooling only (numpy); never needed at run time.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    else:
        extra = []
    top_k = 5
    if "--top-k" in argv:
        i = argv.index("--top-k")
        top_k = int(argv[i + 1])
        del argv[i : i + 2]
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    konnx, model, image = argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        x = os.path.join(tmp, "x.npy")
        cmd = [konnx, "classify", model, image, "--json", "--save-input", x, "--top-k", str(top_k)] + extra
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print("konnx failed:", r.stderr, file=sys.stderr)
            return 2
        ours = json.loads(r.stdout)
        name = ours["input"]["name"]
        out_dir = os.path.join(tmp, "ort")
        r = subprocess.run(
            [
                sys.executable,
                os.path.join(HERE, "ort_run.py"),
                model,
                "--input",
                f"{name}={x}",
                "--output-dir",
                out_dir,
                "--json",
            ],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            print("onnxruntime failed:", r.stderr, file=sys.stderr)
            return 2
        info = json.loads(r.stdout)
        first = info["outputs"][0]
        scores = np.load(first["file"] if "file" in first else os.path.join(out_dir, first["name"] + ".npy"))
        s = scores.astype(np.float64).ravel()
        if not (np.all(s >= 0) and np.all(s <= 1) and abs(s.sum() - 1) <= 1e-3):
            e = np.exp(s - s.max())
            s = e / e.sum()
        order = sorted(range(len(s)), key=lambda i: (-s[i], i))[:top_k]
        theirs = [(i, f"{s[i]:.3f}") for i in order]
        mine = [(t["index"], f"{t['probability']:.3f}") for t in ours["results"][0]["top"]]
        ok = sorted(p for _, p in theirs) == sorted(p for _, p in mine) and all(
            dict(mine).get(i) == p or [q for _, q in mine].count(p) > 1 for i, p in theirs
        )
        print(("agree" if ok else "MISMATCH") + f": konnx {mine}  onnxruntime {theirs}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
