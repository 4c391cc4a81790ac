"""The peer side of bench/compare.py: times one peer runtime on one model the way `konnx bench --json` times
konnx (session load, first run, then `--runs` timed runs after `--warmup`) and prints one JSON object with
the same keys, plus the process's peak RSS.

    .venv/bin/python bench/peer_bench.py ort|openvino MODEL.onnx --input NAME=FILE.npy ... [--threads N]
        [--runs N] [--warmup N] [--cold] [--profile]

Peers are configured as a user tuning them for latency would:
  * ort: onnxruntime's Python package, graph optimization ORT_ENABLE_ALL, intra-op threads = --threads,
    inter-op 1, sequential execution (spinning left at its default).
  * openvino: the same .onnx read by OpenVINO's ONNX frontend, compiled for the CPU plugin with the LATENCY
    performance hint, INFERENCE_NUM_THREADS = --threads and f32 inference precision (its default on CPUs
    with bf16 units would be bf16, which is not the fp32 comparison).
--cold loads and runs once (the fresh-process measurement: the interpreter and the import count, as they do
for a Python user). --profile adds per-op-type times from the peer's own profiler (ORT's JSON trace,
OpenVINO's PERF_COUNT counters), medians over the timed runs where the profiler gives them per run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

Feeds = dict[str, np.ndarray]


def percentile(sorted_times: list[float], p: float) -> float:
    return sorted_times[min(len(sorted_times) - 1, int(p / 100 * len(sorted_times)))]


def open_ort(model: str, threads: int, profile: bool) -> tuple[Callable[[Feeds], Any], Any]:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    if profile:
        so.enable_profiling = True
        so.profile_file_prefix = os.path.join(tempfile.mkdtemp(prefix="ort-profile-"), "ort")
    session = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    return (lambda feeds: session.run(None, feeds)), session


def open_openvino(model: str, threads: int, profile: bool) -> tuple[Callable[[Feeds], Any], Any]:
    import openvino as ov

    core = ov.Core()
    config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32"}
    if profile:
        config["PERF_COUNT"] = True
    compiled = core.compile_model(core.read_model(model), "CPU", config)
    request = compiled.create_infer_request()
    return (lambda feeds: request.infer(feeds)), request


def ort_profile(session: Any, runs: int) -> list[dict[str, Any]]:
    """Per op type: nodes and median per-run microseconds, from ORT's Chrome-trace profile."""
    with open(session.end_profiling()) as f:
        events = json.load(f)
    per_node: dict[tuple[str, str], list[float]] = defaultdict(list)
    for e in events:
        if e.get("cat") == "Node" and e.get("name", "").endswith("_kernel_time"):
            op = e.get("args", {}).get("op_name", "?")
            per_node[(e["name"][: -len("_kernel_time")], op)].append(float(e["dur"]))
    by_op: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for (_, op), durs in per_node.items():
        tail = durs[-runs:] if len(durs) > runs else durs  # the timed runs (profiling starts at load)
        by_op[op][0] += 1
        by_op[op][1] += statistics.median(tail)
    return summarize(by_op)


def openvino_profile(request: Any, run: Callable[[], Any], runs: int) -> list[dict[str, Any]]:
    """Per OpenVINO node type (as executed): nodes and median microseconds over `runs` profiled runs."""
    samples: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _ in range(runs):
        run()
        for info in request.get_profiling_info():
            if info.status.name != "EXECUTED":
                continue
            samples[(info.node_name, info.node_type)].append(info.real_time.total_seconds() * 1e6)
    by_op: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for (_, op), us in samples.items():
        by_op[op][0] += 1
        by_op[op][1] += statistics.median(us)
    return summarize(by_op)


def summarize(by_op: dict[str, list[float]]) -> list[dict[str, Any]]:
    total = sum(us for _, us in by_op.values()) or 1.0
    rows = [{"op_type": op, "nodes": int(n), "us": us, "percent": 100 * us / total} for op, (n, us) in by_op.items()]
    return sorted(rows, key=lambda r: -r["us"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runtime", choices=["ort", "openvino"])
    ap.add_argument("model")
    ap.add_argument("--input", action="append", default=[], help="NAME=FILE.npy (repeatable)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    feeds: Feeds = {}
    for spec in args.input:
        name, _, path = spec.rpartition("=")
        if not name:
            ap.error(f"--input expects NAME=FILE, got {spec!r}")
        feeds[name] = np.load(path)

    t0 = time.perf_counter()
    opener = open_ort if args.runtime == "ort" else open_openvino
    run, handle = opener(args.model, args.threads, args.profile)
    load_ms = (time.perf_counter() - t0) * 1e3
    t1 = time.perf_counter()
    run(feeds)
    result: dict[str, Any] = {
        "load_ms": load_ms,
        "first_run_ms": (time.perf_counter() - t1) * 1e3,
        "threads": args.threads,
    }
    if not args.cold:
        for _ in range(args.warmup):
            run(feeds)
        times = []
        for _ in range(args.runs):
            s = time.perf_counter()
            run(feeds)
            times.append((time.perf_counter() - s) * 1e3)
        times.sort()
        result.update(
            runs=len(times),
            mean_ms=statistics.fmean(times),
            min_ms=times[0],
            p50_ms=percentile(times, 50),
            p90_ms=percentile(times, 90),
            p99_ms=percentile(times, 99),
            max_ms=times[-1],
        )
        if args.profile:
            if args.runtime == "ort":
                result["profile"] = {"op_types": ort_profile(handle, args.runs)}
            else:
                result["profile"] = {"op_types": openvino_profile(handle, lambda: run(feeds), args.runs)}
    result["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
