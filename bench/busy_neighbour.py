"""Latency under a busy neighbour (issue 15, item 5): p50/p99 of konnx and the peers at 2 threads, quiet and with
one other process spinning on one of the two cores (pinned there with os.sched_setaffinity), alternating.

    .venv/bin/python bench/busy_neighbour.py [--models fashion_cnn,keras_mlp] [--runs 2000] [--repeat 3]

Models are ids of bench/models.json (their batch-1 files, made by bench/compare if missing). Prints one JSON
object per model and a table; the target is konnx's busy p99 within 2x its quiet p99.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare


def spin(cpu: int) -> None:
    os.sched_setaffinity(0, {cpu})
    while True:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="fashion_cnn,keras_mlp,mobilenet_v2")
    ap.add_argument("--runs", type=int, default=2000, help="timed runs per process (p99 needs many)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=1, help="the core the neighbour spins on")
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(compare.ROOT, "bench", "models.json")))
    by_id = {m["id"]: m for m in manifest["models"]}
    table = []
    for model_id in args.models.split(","):
        model = by_id[model_id]
        onnx = compare.model_file(model, 1)
        inputs = compare.make_inputs(model, 1, os.path.join(compare.ROOT, "build", "bench-inputs", f"{model_id}_b1"))
        probe = compare.run_json(compare.bench_cmd("konnx", onnx, inputs, 2, 2, 0))
        runs = int(max(200, min(args.runs, 3000 / max(probe["p50_ms"], 1e-3))))
        samples: dict[str, dict[str, list[dict]]] = {rt: {"quiet": [], "busy": []} for rt in compare.RUNTIMES}
        for _ in range(args.repeat):
            for state in ("quiet", "busy"):
                neighbour = None
                if state == "busy":
                    neighbour = multiprocessing.Process(target=spin, args=(args.cpu,), daemon=True)
                    neighbour.start()
                try:
                    for rt in compare.RUNTIMES:
                        cmd = compare.bench_cmd(rt, onnx, inputs, 2, runs, max(1, runs // 10))
                        samples[rt][state].append(compare.run_json(cmd))
                finally:
                    if neighbour:
                        neighbour.terminate()
                        neighbour.join()
        row = {"model": model_id, "runs": runs}
        for rt, by_state in samples.items():
            for state, results in by_state.items():
                for key in ("p50_ms", "p99_ms"):
                    row[f"{rt}_{state}_{key}"] = statistics.median(r[key] for r in results)
            row[f"{rt}_p99_busy_over_quiet"] = row[f"{rt}_busy_p99_ms"] / row[f"{rt}_quiet_p99_ms"]
        print(json.dumps(row), flush=True)
        table.append(row)
    print("\n| model | runtime | quiet p50 / p99 ms | busy p50 / p99 ms | busy p99 / quiet p99 |")
    print("|---|---|---|---|---|")
    for row in table:
        for rt in compare.RUNTIMES:
            print(
                f"| {row['model']} | {rt} | {row[f'{rt}_quiet_p50_ms']:.3f} / {row[f'{rt}_quiet_p99_ms']:.3f} | "
                f"{row[f'{rt}_busy_p50_ms']:.3f} / {row[f'{rt}_busy_p99_ms']:.3f} | "
                f"{row[f'{rt}_p99_busy_over_quiet']:.2f} |"
            )


if __name__ == "__main__":
    main()
