#!/usr/bin/python3
"""konnx vs ONNX Runtime, side by side in one run (issue 6: performance).

For each model x batch x threads it runs `konnx bench --json` and bench/ort_bench.mjs (onnxruntime-node,
graph optimization "all", intra-op threads = konnx threads) ALTERNATELY on the same seeded .npy inputs,
--repeat times, then times --repeat fresh processes of each (load + one inference: the cold total), also
alternating. Reported per row, as medians over the repeats: p50 latency, session load, first run, cold
total and peak RSS of each runtime, and the konnx/ORT ratio of each. Writes bench/results/compare.json,
docs/PERFORMANCE.md and docs/performance.png.

    bench/compare                      # everything: 6 models x batch 1, 8 x threads 1, 2 (about 15 min)
    bench/compare --quick              # 3 small models, batch 1, 2 threads, 1 repeat: a smoke run (~1 min)
    bench/compare --models resnet50 --batches 1 --threads 2 --repeat 5

Models come from bench/models.json: an .onnx (re-batched with tools/rebatch_onnx.py for batch > 1) or a
Keras file converted by `konnx convert --batch-size B`, so that both runtimes get the same fixed-shape
file; `make` produces a missing file (run from the repository root).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KONNX = os.path.join(ROOT, "build", "konnx")
NODE_BENCH = os.path.join(ROOT, "bench", "ort_bench.mjs")
WORK = os.path.join(ROOT, "build", "bench-models")


def log(*args):
    print("[compare]", *args, file=sys.stderr, flush=True)


def run_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)


def make_inputs(model, batch, folder):
    """Seeded inputs, written once and fed to both runtimes."""
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(1234)
    args = []
    for name, spec in model["inputs"].items():
        shape = [batch] + list(spec["shape"])
        if "integers_below" in spec:  # token ids, float32 as Keras feeds them
            data = rng.integers(0, spec["integers_below"], size=shape).astype(np.float32)
        else:
            lo, hi = spec.get("range", [0.0, 1.0])
            data = rng.uniform(lo, hi, size=shape).astype(np.float32)
        path = os.path.join(folder, name.replace("/", "_").replace(":", "_") + ".npy")
        np.save(path, data)
        args += ["--input", f"{name}={path}"]
    return args


def model_file(model, batch):
    """The fixed-shape .onnx both runtimes load for this batch size."""
    src = os.path.join(ROOT, model["file"])
    if not os.path.exists(src):
        if not model.get("make"):
            raise RuntimeError(f"{model['file']} is missing")
        log(f"producing {model['file']}: {model['make']}")
        subprocess.run(model["make"], shell=True, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    os.makedirs(WORK, exist_ok=True)
    if src.endswith((".h5", ".keras")):
        out = os.path.join(WORK, f"{model['id']}_b{batch}.onnx")
        if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
            subprocess.run([KONNX, "convert", src, "-o", out, "-q", "--batch-size", str(batch)], check=True, cwd=ROOT)
        return out
    if batch == 1:
        return src
    out = os.path.join(WORK, f"{model['id']}_b{batch}.onnx")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.run(
            ["/usr/bin/python3", os.path.join(ROOT, "tools", "rebatch_onnx.py"), src, out, str(batch)],
            check=True,
            cwd=ROOT,
        )
    return out


def konnx_bench(onnx, inputs, threads, runs, warmup):
    return run_json(
        [
            KONNX,
            "bench",
            onnx,
            "--json",
            "--threads",
            str(threads),
            "--runs",
            str(runs),
            "--repeat",
            "1",
            "--warmup",
            str(warmup),
        ]
        + inputs
    )


def ort_bench(onnx, inputs, threads, runs, warmup):
    return run_json(
        ["node", NODE_BENCH, onnx, "--threads", str(threads), "--runs", str(runs), "--warmup", str(warmup)] + inputs
    )


def cold_ms(cmd):
    """Fresh process -> first result -> exit, wall clock."""
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr.decode()[-2000:]}")
    return (time.perf_counter() - t0) * 1000.0


def node_baseline_rss_kb():
    """Peak RSS of node with onnxruntime-node imported and no session (reported, not subtracted)."""
    code = "require('onnxruntime-node'); console.log(process.resourceUsage().maxRSS)"
    out = subprocess.run(["node", "-e", code], capture_output=True, text=True, cwd=os.path.join(ROOT, "tools", "node"))
    try:
        return int(out.stdout.strip())
    except ValueError:
        return 0


def machine_info():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def quiet(cmd, cwd=ROOT):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd).stdout.strip()
        except OSError:
            return ""

    ort_pkg = os.path.join(ROOT, "tools", "node", "node_modules", "onnxruntime-node", "package.json")
    ort_version = json.load(open(ort_pkg))["version"] if os.path.exists(ort_pkg) else "?"
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "kernel": platform.release(),
        "load_average_at_start": os.getloadavg()[0],
        "konnx": quiet([KONNX, "--version"]),
        "git": quiet(["git", "rev-parse", "--short", "HEAD"]),
        "onnxruntime_node": ort_version,
        "node": quiet(["node", "--version"]),
    }


def measure(model, batch, threads, args):
    onnx = model_file(model, batch)
    inputs = make_inputs(model, batch, os.path.join(ROOT, "build", "bench-inputs", f"{model['id']}_b{batch}"))
    # Runs per process sized to ~args.budget_ms of timed inference (noisy shared machine: p50 of many).
    probe = konnx_bench(onnx, inputs, threads, 2, 0)
    runs = int(min(args.runs, max(3, args.budget_ms / max(probe["p50_ms"], 1e-3))))
    warmup = max(1, runs // 5)
    k_runs, o_runs, k_cold, o_cold = [], [], [], []
    for _ in range(args.repeat):  # alternate the two runtimes
        k_runs.append(konnx_bench(onnx, inputs, threads, runs, warmup))
        o_runs.append(ort_bench(onnx, inputs, threads, runs, warmup))
    for _ in range(args.repeat):
        k_cold.append(cold_ms([KONNX, "-q", "bench", onnx, "--once", "--threads", str(threads)] + inputs))
        o_cold.append(cold_ms(["node", NODE_BENCH, onnx, "--cold", "--threads", str(threads)] + inputs))

    def med(rs, key):
        return statistics.median(r[key] for r in rs)

    row = {"model": model["id"], "batch": batch, "threads": threads, "runs_per_process": runs}
    for key in ("p50", "load", "first_run"):
        row[f"konnx_{key}_ms"] = med(k_runs, f"{key}_ms")
        row[f"ort_{key}_ms"] = med(o_runs, f"{key}_ms")
    row["konnx_cold_ms"] = statistics.median(k_cold)
    row["ort_cold_ms"] = statistics.median(o_cold)
    row["konnx_rss_kb"] = med(k_runs, "peak_rss_kb")
    row["ort_rss_kb"] = med(o_runs, "peak_rss_kb")
    for key in ("p50", "load", "first_run", "cold"):
        row[f"ratio_{key}"] = row[f"konnx_{key}_ms"] / max(row[f"ort_{key}_ms"], 1e-9)
    row["ratio_rss"] = row["konnx_rss_kb"] / max(row["ort_rss_kb"], 1)
    row["samples"] = {
        "konnx_p50_ms": [r["p50_ms"] for r in k_runs],
        "ort_p50_ms": [r["p50_ms"] for r in o_runs],
        "konnx_load_ms": [r["load_ms"] for r in k_runs],
        "ort_load_ms": [r["load_ms"] for r in o_runs],
        "konnx_cold_ms": k_cold,
        "ort_cold_ms": o_cold,
    }
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="", help="comma-separated ids from bench/models.json (default: all)")
    ap.add_argument("--repeat", type=int, default=3, help="alternating repeats per row (medians reported)")
    ap.add_argument("--runs", type=int, default=50, help="most timed runs per process")
    ap.add_argument("--budget-ms", type=float, default=1500, help="timed inference per process, sizes --runs")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--quick", action="store_true", help="smoke run: quick models, batch 1, 2 threads, 1 repeat")
    ap.add_argument(
        "--time-limit",
        type=float,
        default=1500,
        help="seconds; rows not started by then are skipped (and listed) so the report is written",
    )
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "compare.json"))
    ap.add_argument("--no-docs", action="store_true", help="write the JSON only, not docs/PERFORMANCE.md + chart")
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(ROOT, "bench", "models.json")))
    models = manifest["models"]
    if args.quick:
        args.repeat, args.batches, args.threads, args.budget_ms = 1, "1", "2", 300
        if not args.models:
            models = [m for m in models if m.get("quick")]
    if args.models:
        wanted = args.models.split(",")
        unknown = set(wanted) - {m["id"] for m in models}
        if unknown:
            sys.exit(f"unknown model id(s): {', '.join(sorted(unknown))}")
        models = [m for m in models if m["id"] in wanted]
    info = machine_info()
    info["node_baseline_rss_kb"] = node_baseline_rss_kb()
    log(json.dumps(info))
    rows, skipped = [], []
    started = time.time()
    # The target configuration (2 threads, batch 1) first for every model, then the others.
    configs = sorted(
        ((b, t) for b in [int(b) for b in args.batches.split(",")] for t in [int(t) for t in args.threads.split(",")]),
        key=lambda c: (c[0] != 1, -c[1]),
    )
    for batch, threads in configs:
        for model in models:
            if time.time() - started > args.time_limit:
                skipped.append({"model": model["id"], "batch": batch, "threads": threads})
                log(f"time limit: skipping {model['id']} b{batch} t{threads}")
                continue
            t0 = time.time()
            row = measure(model, batch, threads, args)
            rows.append(row)
            log(
                f"{model['id']} b{batch} t{threads}: p50 {row['konnx_p50_ms']:.2f} vs {row['ort_p50_ms']:.2f} ms, "
                f"load {row['konnx_load_ms']:.0f} vs {row['ort_load_ms']:.0f} ms, cold {row['konnx_cold_ms']:.0f} "
                f"vs {row['ort_cold_ms']:.0f} ms, RSS {row['konnx_rss_kb'] >> 10} vs {row['ort_rss_kb'] >> 10} "
                f"MiB ({time.time() - t0:.0f} s)"
            )
    info["duration_s"] = round(time.time() - started)
    info["load_average_at_end"] = os.getloadavg()[0]
    result = {
        "machine": info,
        "repeat": args.repeat,
        "max_runs": args.runs,
        "budget_ms": args.budget_ms,
        "quick": args.quick,
        "models": {m["id"]: m["label"] for m in models},
        "targets": {
            "p50": {m["id"]: m.get("target_p50_ratio") for m in models},
            **manifest["targets_2_threads_batch_1"],
        },
        "rows": rows,
        "skipped": skipped,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    log(f"wrote {os.path.relpath(args.out, ROOT)}")
    if not args.no_docs:
        import compare_report

        compare_report.write(result, ROOT)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
