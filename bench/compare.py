#!/usr/bin/python3
"""konnx vs ONNX Runtime, side by side in one run (issue: performance).

For each model x batch x threads, runs `konnx bench --json` and bench/ort_bench.mjs alternately on the
same .npy inputs, `--repeat` times, and reports medians of: p50 latency, session load, cold total
(fresh process -> first result) and peak RSS, with the konnx/ORT ratio of each. Writes
bench/results/compare.json, docs/PERFORMANCE.md and docs/performance.png.

    /usr/bin/python3 bench/compare.py [--models resnet50,mobilenet_v2,...] [--repeat 3] [--runs 30]

Models come from bench/models.json: each entry names the .onnx (or Keras file, converted by konnx
first) and how to produce it when missing (a command run from the repository root).
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KONNX = os.path.join(ROOT, "build", "konnx")
NODE_BENCH = os.path.join(ROOT, "bench", "ort_bench.mjs")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, **kw)


def make_inputs(model, batch, folder):
    """Seeded inputs shared by both runtimes."""
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(1234)
    specs = []
    for name, spec in model["inputs"].items():
        shape = [batch if d in (-1, "N") else d for d in spec["shape"]]
        shape[0] = batch
        if spec.get("dtype", "float32") == "float32":
            lo, hi = spec.get("range", [0.0, 1.0])
            data = rng.uniform(lo, hi, size=shape).astype(np.float32)
        else:
            data = rng.integers(0, spec.get("high", 10), size=shape).astype(spec["dtype"])
        path = os.path.join(folder, name.replace("/", "_").replace(":", "_") + ".npy")
        np.save(path, data)
        specs.append((name, path))
    return specs


def timed_process(cmd):
    """Wall time of a fresh process to its exit, and its peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return (time.perf_counter() - t0) * 1000.0, before


def konnx_once(onnx, inputs, threads, runs):
    cmd = [KONNX, "bench", onnx, "--json", "--threads", str(threads), "--runs", str(runs), "--warmup", "5"]
    for name, path in inputs:
        cmd += ["--input", f"{name}={path}"]
    return json.loads(sh(cmd).stdout)


def ort_once(onnx, inputs, threads, runs, cold=False):
    cmd = ["node", NODE_BENCH, onnx, "--threads", str(threads), "--runs", str(runs), "--warmup", "5"]
    for name, path in inputs:
        cmd += ["--input", f"{name}={path}"]
    if cold:
        cmd.append("--cold")
    return json.loads(sh(cmd).stdout)


def cold_ms(cmd, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def node_baseline_rss_kb():
    """RSS of node with onnxruntime-node loaded but no session: subtracted so ORT is not charged for node."""
    code = "import('onnxruntime-node').then(()=>console.log(process.resourceUsage().maxRSS))"
    out = subprocess.run(["node", "--input-type=module", "-e", code], capture_output=True, text=True,
                         cwd=os.path.join(ROOT, "tools", "node"))
    try:
        return int(out.stdout.strip())
    except ValueError:
        return 0


def ensure_model(model):
    path = os.path.join(ROOT, model["file"])
    if not os.path.exists(path) and model.get("make"):
        print(f"[compare] producing {model['file']}: {model['make']}", file=sys.stderr)
        subprocess.run(model["make"], shell=True, check=True, cwd=ROOT)
    if model["file"].endswith((".h5", ".keras")):
        onnx = os.path.join(ROOT, "build", "bench-models", model["id"] + ".onnx")
        os.makedirs(os.path.dirname(onnx), exist_ok=True)
        if not os.path.exists(onnx) or os.path.getmtime(onnx) < os.path.getmtime(path):
            convert = [KONNX, "convert", path, "-o", onnx, "-q"]
            if model.get("batch_dynamic", True) is False:
                convert += ["--batch-size", "1"]
            sh(convert)
        return onnx
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--threads", default="1,2")
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(ROOT, "bench", "models.json")))
    wanted = [m for m in manifest["models"] if not args.models or m["id"] in args.models.split(",")]
    baseline_rss = node_baseline_rss_kb()
    rows = []
    for model in wanted:
        onnx = ensure_model(model)
        for batch in [int(b) for b in args.batches.split(",")]:
            if batch != 1 and not model.get("dynamic_batch", False):
                continue
            inputs = make_inputs(model, batch, os.path.join(ROOT, "build", "bench-inputs", f"{model['id']}_b{batch}"))
            for threads in [int(t) for t in args.threads.split(",")]:
                k_runs, o_runs = [], []
                for _ in range(args.repeat):  # alternate the two runtimes
                    k_runs.append(konnx_once(onnx, inputs, threads, args.runs))
                    o_runs.append(ort_once(onnx, inputs, threads, args.runs))
                run_args = sum([["--input", f"{n}={p}"] for n, p in inputs], [])
                k_cold = cold_ms([KONNX, "run", onnx, "-q", "--threads", str(threads)] + run_args, args.repeat)
                o_cold = cold_ms(["node", NODE_BENCH, onnx, "--cold", "--threads", str(threads)] + run_args, args.repeat)
                med = lambda runs, key: statistics.median(r[key] for r in runs)
                row = {
                    "model": model["id"], "batch": batch, "threads": threads,
                    "konnx_p50_ms": med(k_runs, "p50_ms"), "ort_p50_ms": med(o_runs, "p50_ms"),
                    "konnx_load_ms": med(k_runs, "load_ms"), "ort_load_ms": med(o_runs, "load_ms"),
                    "konnx_cold_ms": k_cold, "ort_cold_ms": o_cold,
                    "konnx_rss_kb": med(k_runs, "peak_rss_kb"),
                    "ort_rss_kb": med(o_runs, "peak_rss_kb") - baseline_rss,
                }
                for key in ("p50", "load", "cold"):
                    row[f"ratio_{key}"] = row[f"konnx_{key}_ms"] / row[f"ort_{key}_ms"]
                row["ratio_rss"] = row["konnx_rss_kb"] / max(row["ort_rss_kb"], 1)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
    write_reports(rows, manifest, baseline_rss, args)


def write_reports(rows, manifest, baseline_rss, args):
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "compare.json"), "w") as f:
        json.dump({"rows": rows, "node_baseline_rss_kb": baseline_rss, "repeat": args.repeat, "runs": args.runs}, f,
                  indent=2)
    targets = {m["id"]: m.get("target_p50_ratio") for m in manifest["models"]}
    lines = [
        "# konnx vs ONNX Runtime",
        "",
        f"Produced by `bench/compare.py` in one run on this machine ({os.cpu_count()} cores), "
        f"{args.repeat} alternating repeats of {args.runs} timed runs each; medians. ORT: onnxruntime-node 1.30, "
        "graph optimization `all`, intra-op threads = konnx threads. Ratios are konnx / ORT (lower is better). "
        f"ORT's RSS has node's own baseline ({baseline_rss} KB with onnxruntime loaded) subtracted.",
        "",
        "| model | batch | threads | konnx p50 ms | ORT p50 ms | ratio (target) | load ratio | cold ratio | RSS ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        t = targets.get(r["model"])
        lines.append(
            f"| {r['model']} | {r['batch']} | {r['threads']} | {r['konnx_p50_ms']:.2f} | {r['ort_p50_ms']:.2f} | "
            f"{r['ratio_p50']:.2f}{f' (≤ {t})' if t and r['threads'] == 2 and r['batch'] == 1 else ''} | "
            f"{r['ratio_load']:.2f} | {r['ratio_cold']:.2f} | {r['ratio_rss']:.2f} |")
    with open(os.path.join(ROOT, "docs", "PERFORMANCE.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        sel = [r for r in rows if r["batch"] == 1 and r["threads"] == 2] or rows
        fig, ax = plt.subplots(figsize=(8, 3.5))
        names = [r["model"] for r in sel]
        x = np.arange(len(sel))
        for k, key in enumerate(["ratio_p50", "ratio_load", "ratio_cold", "ratio_rss"]):
            ax.bar(x + (k - 1.5) * 0.2, [r[key] for r in sel], 0.2, label=key.replace("ratio_", ""))
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(x, names, rotation=20)
        ax.set_ylabel("konnx / ORT")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(ROOT, "docs", "performance.png"), dpi=110)
    except ImportError:
        print("[compare] python3-matplotlib missing: no chart", file=sys.stderr)


if __name__ == "__main__":
    main()
