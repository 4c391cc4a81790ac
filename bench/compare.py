"""konnx vs ONNX Runtime vs OpenVINO, side by side in one run (issues 6 and 15: performance).

For each model x batch x threads it runs `konnx bench --json` and bench/peer_bench.py for onnxruntime (the
Python package, graph optimization "all", intra-op threads = konnx threads) and OpenVINO (CPU plugin, the same
.onnx, LATENCY hint, the same threads, f32) in fresh processes, ALTERNATELY (the order rotates every repeat)
on the same seeded .npy inputs, --repeat times; then times --repeat fresh processes of each (load + one
inference: the cold total), also alternating. Reported per row, as medians over the repeats: p50/p99 latency,
session load, first run, cold total and peak RSS of every runtime, and konnx / the fastest peer for each.

    bench/compare                      # bench/models.json: batch 1 and 8, threads 2 and 1, 3 repeats
    bench/compare --quick              # quick models, batch 1, 2 threads, 1 repeat: a smoke run
    bench/compare --models resnet50 --batches 1 --threads 2 --repeat 5
    bench/compare --profile            # + per-op-type tables of konnx and the peers' own profilers
    bench/compare --sweep              # p50 only over every model of the sweep (tools/export_sweep.py)

Models come from bench/models.json: an .onnx (re-batched with tools/rebatch_onnx.py for batch > 1) or a
Keras file converted by `konnx convert --batch-size B`, so that every runtime gets the same fixed-shape file;
`make` produces a missing file (run from the repository root). Results go to build/bench-results/ (generated,
never tracked); docs/PERFORMANCE.md's generated part and docs/performance.png are rewritten unless --no-docs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KONNX = os.path.join(ROOT, "build", "konnx")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PEER_BENCH = os.path.join(ROOT, "bench", "peer_bench.py")
WORK = os.path.join(ROOT, "build", "bench-models")
RESULTS = os.path.join(ROOT, "build", "bench-results")
PEERS = ("ort", "openvino")
RUNTIMES = ("konnx",) + PEERS


def log(*args: Any) -> None:
    print("[compare]", *args, file=sys.stderr, flush=True)


def run_json(cmd: list[str]) -> dict[str, Any]:
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)  # one JSON document (konnx prints it indented)


def specs_from_onnx(path: str) -> dict[str, Any]:
    """Input specs read from the model itself (sweep models): full shapes, symbolic dims 1."""
    import onnx

    model = onnx.load(path, load_external_data=False)
    inits = {t.name for t in model.graph.initializer}
    specs = {}
    for value in model.graph.input:
        if value.name in inits:
            continue
        t = value.type.tensor_type
        dtype = onnx.helper.tensor_dtype_to_np_dtype(t.elem_type).name
        spec: dict[str, Any] = {
            "full_shape": [d.dim_value if d.dim_value > 0 else 1 for d in t.shape.dim],
            "dtype": dtype,
        }
        if dtype == "bool" or dtype.startswith(("int", "uint")):
            spec["integers_below"] = 2
        else:
            spec["range"] = [-1, 1]
        specs[value.name] = spec
    return specs


def make_inputs(model: dict[str, Any], batch: int, folder: str, onnx_path: str = "") -> list[str]:
    """Seeded inputs, written once and fed to every runtime: `--input NAME=FILE` arguments."""
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(1234)
    args = []
    specs = specs_from_onnx(onnx_path) if model["inputs"] == "from-model" else model["inputs"]
    for name, spec in specs.items():
        shape = spec["full_shape"] if "full_shape" in spec else [batch] + list(spec["shape"])
        dtype = np.dtype(spec.get("dtype", "float32"))
        if "integers_below" in spec:  # token ids (float32 as Keras feeds them, int64 for PyTorch exports)
            data = rng.integers(0, spec["integers_below"], size=shape).astype(dtype)
        elif dtype == np.bool_:
            data = rng.integers(0, 2, size=shape).astype(dtype)
        elif "fill" in spec:  # e.g. an attention mask of ones
            data = np.full(shape, spec["fill"], dtype=dtype)
        else:
            lo, hi = spec.get("range", [0.0, 1.0])
            data = rng.uniform(lo, hi, size=shape).astype(dtype)
        path = os.path.join(folder, name.replace("/", "_").replace(":", "_") + ".npy")
        np.save(path, data)
        args.append(f"{name}={path}")
    return args


def fresh(out: str, src: str) -> bool:
    return os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src)


def model_file(model: dict[str, Any], batch: int) -> str:
    """The fixed-shape .onnx every runtime loads for this batch size."""
    src = os.path.join(ROOT, model["file"])
    if not os.path.exists(src):
        if not model.get("make"):
            raise RuntimeError(f"{model['file']} is missing")
        log(f"producing {model['file']}: {model['make']}")
        subprocess.run(model["make"], shell=True, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    os.makedirs(WORK, exist_ok=True)
    out = os.path.join(WORK, f"{model['id']}_b{batch}.onnx")
    if src.endswith((".h5", ".keras")):
        if not fresh(out, src):
            subprocess.run([KONNX, "convert", src, "-o", out, "-q", "--batch-size", str(batch)], check=True, cwd=ROOT)
        return out
    if batch == 1 and not model.get("rebatch_always"):
        return src
    if not fresh(out, src):
        subprocess.run(
            [PYTHON, os.path.join(ROOT, "tools", "rebatch_onnx.py"), src, out, str(batch)], check=True, cwd=ROOT
        )
    return out


def bench_cmd(
    runtime: str,
    onnx: str,
    inputs: list[str],
    threads: int,
    runs: int,
    warmup: int,
    cold: bool = False,
    profile: bool = False,
) -> list[str]:
    feeds = [a for i in inputs for a in ("--input", i)]
    if runtime == "konnx":
        if cold:
            return [KONNX, "-q", "bench", onnx, "--once", "--threads", str(threads)] + feeds
        return (
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
            + (["--profile"] if profile else [])
            + feeds
        )
    cmd = [
        PYTHON,
        PEER_BENCH,
        runtime,
        onnx,
        "--threads",
        str(threads),
        "--runs",
        str(runs),
        "--warmup",
        str(warmup),
    ] + feeds
    return cmd + (["--cold"] if cold else []) + (["--profile"] if profile else [])


def cold_ms(cmd: list[str]) -> float:
    """Fresh process -> first result -> exit, wall clock."""
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr.decode()[-2000:]}")
    return (time.perf_counter() - t0) * 1000.0


def python_baseline_rss_kb(runtime: str) -> int:
    """Peak RSS of the peer's process with its package imported and no session (reported, not subtracted)."""
    module = "onnxruntime" if runtime == "ort" else "openvino"
    code = f"import numpy, resource, {module}; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True)
    try:
        return int(out.stdout.strip())
    except ValueError:
        return 0


def machine_info() -> dict[str, Any]:
    cpu, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and cpu == "unknown CPU":
                    cpu = line.split(":", 1)[1].strip()
                if line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass

    def quiet(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
        except OSError:
            return ""

    versions = quiet(
        [
            PYTHON,
            "-c",
            "import onnxruntime, openvino; print(onnxruntime.__version__); print(openvino.__version__.split('-')[0])",
        ]
    ).splitlines() + ["?", "?"]
    isa = [f for f in ("avx2", "avx512f", "avx512_bf16", "avx512_vnni", "avx_vnni", "amx_tile") if f in flags]
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "isa": isa,
        "logical_cpus": os.cpu_count(),
        "kernel": platform.release(),
        "load_average_at_start": os.getloadavg()[0],
        "konnx": quiet([KONNX, "--version"]),
        "git": quiet(["git", "rev-parse", "--short", "HEAD"]),
        "onnxruntime": versions[0],
        "openvino": versions[1],
    }


def medians(results: dict[str, list[dict[str, Any]]], key: str) -> dict[str, float]:
    return {rt: statistics.median(r[key] for r in rs) for rt, rs in results.items() if rs}


def add_ratios(row: dict[str, Any], metric: str, values: dict[str, float], unit: str = "") -> None:
    """row[<rt>_<metric><unit>] for every runtime, the fastest peer and konnx / that peer (ratio_<metric>)."""
    for rt, v in values.items():
        row[f"{rt}_{metric}{unit}"] = v
    peers = {p: values[p] for p in PEERS if p in values}
    if "konnx" in values and peers:
        best = min(peers, key=lambda p: peers[p])
        row[f"best_peer_{metric}"] = best
        row[f"ratio_{metric}"] = values["konnx"] / max(peers[best], 1e-9)


def measure(model: dict[str, Any], batch: int, threads: int, args: argparse.Namespace) -> dict[str, Any]:
    onnx = model_file(model, batch)
    inputs = make_inputs(model, batch, os.path.join(ROOT, "build", "bench-inputs", f"{model['id']}_b{batch}"), onnx)
    # Runs per process sized to ~args.budget_ms of timed inference (noisy shared machine: p50 of many).
    probe = run_json(bench_cmd("konnx", onnx, inputs, threads, 2, 0))
    runs = int(min(args.runs, max(3, args.budget_ms / max(probe["p50_ms"], 1e-3))))
    warmup = max(1, runs // 5)
    results: dict[str, list[dict[str, Any]]] = {rt: [] for rt in RUNTIMES}
    cold: dict[str, list[float]] = {rt: [] for rt in RUNTIMES}
    for r in range(args.repeat):  # alternate the runtimes, rotating who goes first
        for rt in RUNTIMES[r % 3 :] + RUNTIMES[: r % 3]:
            results[rt].append(run_json(bench_cmd(rt, onnx, inputs, threads, runs, warmup)))
    if not args.sweep:
        for r in range(args.repeat):
            for rt in RUNTIMES[r % 3 :] + RUNTIMES[: r % 3]:
                cold[rt].append(cold_ms(bench_cmd(rt, onnx, inputs, threads, runs, warmup, cold=True)))
    row: dict[str, Any] = {"model": model["id"], "batch": batch, "threads": threads, "runs_per_process": runs}
    for key in ("p50", "p99", "load", "first_run"):
        add_ratios(row, key, medians(results, f"{key}_ms"), "_ms")
    add_ratios(row, "rss_kb", medians(results, "peak_rss_kb"))
    if not args.sweep:
        add_ratios(row, "cold", {rt: statistics.median(v) for rt, v in cold.items()})
    row["samples"] = {f"{rt}_p50_ms": [r["p50_ms"] for r in results[rt]] for rt in RUNTIMES}
    row["samples"].update({f"{rt}_cold_ms": cold[rt] for rt in RUNTIMES if cold[rt]})
    return row


def profile_row(model: dict[str, Any], threads: int, args: argparse.Namespace) -> dict[str, Any]:
    """Per-op-type times of every runtime's own profiler, batch 1 (bench/compare --profile)."""
    onnx = model_file(model, 1)
    inputs = make_inputs(model, 1, os.path.join(ROOT, "build", "bench-inputs", f"{model['id']}_b1"), onnx)
    probe = run_json(bench_cmd("konnx", onnx, inputs, threads, 2, 0))
    runs = int(min(args.runs, max(5, args.budget_ms / max(probe["p50_ms"], 1e-3))))
    out: dict[str, Any] = {"model": model["id"], "threads": threads, "runs": runs}
    for rt in RUNTIMES:
        res = run_json(bench_cmd(rt, onnx, inputs, threads, runs, max(1, runs // 5), profile=True))
        out[rt] = {"p50_ms": res["p50_ms"], "op_types": res["profile"]["op_types"]}
    return out


def select_models(args: argparse.Namespace, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    if args.sweep:
        sweep_file = os.path.join(ROOT, "build", "sweep-models", "sweep.json")
        if not os.path.exists(sweep_file):
            sys.exit(f"{os.path.relpath(sweep_file, ROOT)} is missing: run tools/export_sweep.py first")
        models = manifest["models"] + json.load(open(sweep_file))["models"]
        seen: set[str] = set()
        models = [m for m in models if not (m["file"] in seen or seen.add(m["file"]))]  # type: ignore[func-returns-value]
    else:
        models = manifest["models"]
    if args.quick and not args.models:
        models = [m for m in models if m.get("quick")]
    if args.models:
        wanted = args.models.split(",")
        unknown = set(wanted) - {m["id"] for m in models}
        if unknown:
            sys.exit(f"unknown model id(s): {', '.join(sorted(unknown))}")
        models = [m for m in models if m["id"] in wanted]
    return models


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="", help="comma-separated ids from bench/models.json (default: all)")
    ap.add_argument("--repeat", type=int, default=3, help="alternating repeats per row (medians reported)")
    ap.add_argument("--runs", type=int, default=50, help="most timed runs per process")
    ap.add_argument("--budget-ms", type=float, default=1500, help="timed inference per process, sizes --runs")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--threads", default="2,1")
    ap.add_argument("--quick", action="store_true", help="smoke run: quick models, batch 1, 2 threads, 1 repeat")
    ap.add_argument("--profile", action="store_true", help="also per-op tables from each runtime's profiler")
    ap.add_argument("--sweep", action="store_true", help="p50 only, batch 1, 2 threads, over the sweep's models")
    ap.add_argument(
        "--time-limit",
        type=float,
        default=3600,
        help="seconds; rows not started by then are skipped (and listed) so the report is written",
    )
    ap.add_argument("--out", default="", help="JSON results (default build/bench-results/{compare,sweep}.json)")
    ap.add_argument("--no-docs", action="store_true", help="write the JSON only, not docs/PERFORMANCE.md + chart")
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(ROOT, "bench", "models.json")))
    if args.quick:
        args.repeat, args.batches, args.threads, args.budget_ms = 1, "1", "2", 300
    if args.sweep:
        args.batches, args.threads, args.budget_ms = "1", "2", min(args.budget_ms, 1000)
    models = select_models(args, manifest)
    info = machine_info()
    info["peer_baseline_rss_kb"] = {p: python_baseline_rss_kb(p) for p in PEERS}
    log(json.dumps(info))
    rows, skipped, failed, profiles = [], [], [], []
    started = time.time()
    # The target configuration (2 threads, batch 1) first for every model, then the others.
    configs = sorted(
        ((b, t) for b in [int(b) for b in args.batches.split(",")] for t in [int(t) for t in args.threads.split(",")]),
        key=lambda c: (c[0] != 1, -c[1]),
    )
    for batch, threads in configs:
        for model in models:
            if batch not in model.get("batches", [batch]):
                continue
            if time.time() - started > args.time_limit:
                skipped.append({"model": model["id"], "batch": batch, "threads": threads})
                continue
            t0 = time.time()
            try:
                row = measure(model, batch, threads, args)
            except (RuntimeError, subprocess.CalledProcessError) as e:  # one broken model must not stop a sweep
                log(f"{model['id']} b{batch} t{threads} FAILED: {str(e).splitlines()[0][:300]}")
                failed.append({"model": model["id"], "batch": batch, "threads": threads, "error": str(e)[-600:]})
                continue
            rows.append(row)
            log(
                f"{model['id']} b{batch} t{threads}: p50 "
                + " / ".join(f"{rt} {row[f'{rt}_p50_ms']:.3f}" for rt in RUNTIMES)
                + f" ms -> {row['ratio_p50']:.2f} "
                f"({time.time() - t0:.0f} s)"
            )
    if args.profile:
        for model in models:
            try:
                profiles.append(profile_row(model, 2, args))
            except (RuntimeError, subprocess.CalledProcessError) as e:
                log(f"profile of {model['id']} FAILED: {str(e).splitlines()[0][:300]}")
    if skipped:
        log(f"time limit: skipped {len(skipped)} rows")
    info["duration_s"] = round(time.time() - started)
    info["load_average_at_end"] = os.getloadavg()[0]
    result = {
        "machine": info,
        "repeat": args.repeat,
        "max_runs": args.runs,
        "budget_ms": args.budget_ms,
        "quick": args.quick,
        "sweep": args.sweep,
        "models": {m["id"]: m.get("label", m["id"]) for m in models},
        "kinds": {m["id"]: m.get("kind", "") for m in models},
        "targets": {
            "p50": {m["id"]: m.get("target_p50_ratio") for m in models},
            **manifest["targets_2_threads_batch_1"],
        },
        "rows": rows,
        "skipped": skipped,
        "failed": failed,
        "profiles": profiles,
    }
    out = args.out or os.path.join(RESULTS, "sweep.json" if args.sweep else "compare.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    log(f"wrote {os.path.relpath(out, ROOT)}")
    if not args.no_docs:
        import compare_report

        compare_report.write(result, ROOT)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
