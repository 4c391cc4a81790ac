"""Load benchmark of `konnx serve` against KServe's Python ModelServer wrapping onnxruntime (bench/serve/
kserve_ort_server.py), on loopback, same machine, same threads, same ONNX files, same client (konnx_serve_load).

For each model (torchvision MobileNetV2 with a free batch dimension, the bundled Fashion-MNIST CNN) and transport
(gRPC, HTTP with binary tensors), servers alternate and each measurement is repeated:
  * saturation: closed loop at --concurrency clients, throughput and p50/p99;
  * fixed offered load: open loop at half the baseline's saturation throughput (the same rate for both servers);
  * dynamic batching at batch-1 traffic: konnx with --max-batch-size 0 (none) against its default (8), closed loop
    at 4x the concurrency, and open loop at 70% of the unbatched server's saturation throughput.
The load average is recorded with every figure (the machine is shared). Results: JSON on --out, a Markdown summary on
stdout.

    .venv/bin/python bench/serve/run.py [--quick] [--models mobilenet_v2,fashion_cnn] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("KONNX_BUILD_DIR", ROOT / "build"))
WORK = BUILD / "bench-serve"
PY = sys.executable

MODELS: dict[str, dict] = {
    "mobilenet_v2": {"input": "input", "shape": [1, 3, 224, 224], "concurrency": 8},
    "fashion_cnn": {
        "input": "rescaling_input",
        "shape": [1, 28, 28, 1],
        "concurrency": 8,
    },
}


def prepare(name: str) -> Path:
    """The model as ONNX with a free batch dimension, under WORK/repo/<name>/1/model.onnx."""
    path = WORK / "repo" / name / "1" / "model.onnx"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    if name == "fashion_cnn":
        subprocess.run(
            [
                str(BUILD / "konnx"),
                "convert",
                str(ROOT / "examples/fashion_mnist/fashion_mnist_cnn.h5"),
                "-o",
                str(path),
                "-q",
            ],
            check=True,
        )
    else:
        script = (
            "import torch, torchvision, sys\n"
            "torch.manual_seed(0)\n"
            "m = torchvision.models.mobilenet_v2(weights=None).eval()\n"
            "torch.onnx.export(m, torch.randn(1, 3, 224, 224), sys.argv[1], opset_version=13, dynamo=False,\n"
            "    input_names=['input'], output_names=['output'],\n"
            "    dynamic_axes={'input': {0: 'N'}, 'output': {0: 'N'}})\n"
        )
        subprocess.run([PY, "-c", script, str(path)], check=True, capture_output=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(http_port: int, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/v2/health/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server not ready in time")


class Running:
    def __init__(self, kind: str, model: str, path: Path, threads: int, extra: list[str]) -> None:
        self.http, self.grpc = free_port(), free_port()
        self.log = open(WORK / f"{kind}-{model}.log", "w")  # the server writes it while it runs
        env = dict(os.environ)
        if kind == "konnx":
            cmd = [
                str(BUILD / "konnx"),
                "serve",
                str(path),
                "--model-name",
                model,
                "--http-port",
                str(self.http),
                "--grpc-port",
                str(self.grpc),
                "--address",
                "127.0.0.1",
                "--threads",
                str(threads),
                "--access-log",
                str(WORK / f"konnx-{model}-access.log"),
                *extra,
            ]
        else:
            cmd = [
                PY,
                str(ROOT / "bench/serve/kserve_ort_server.py"),
                str(path),
                model,
                str(self.http),
                str(self.grpc),
                str(threads),
            ]
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        wait_ready(self.http, self.process)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process (all its threads) so far, from /proc."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def load(server: Running, transport: str, model: str, spec: dict, duration: float, **mode) -> dict:
    url = f"grpc://127.0.0.1:{server.grpc}" if transport == "grpc" else f"http://127.0.0.1:{server.http}"
    args = [
        str(BUILD / "konnx_serve_load"),
        "--url",
        url,
        "--model",
        model,
        "--input",
        spec["input"],
        "--shape",
        ",".join(map(str, spec["shape"])),
        "--duration",
        str(duration),
        "--warmup",
        "2",
    ]
    for k, v in mode.items():
        args += [f"--{k}", str(v)]
    before, cpu_before = os.getloadavg()[0], server.cpu_seconds()
    out = subprocess.run(args, capture_output=True, text=True, timeout=duration + 120, check=True)
    result = json.loads(out.stdout)
    result["loadavg"] = [before, os.getloadavg()[0]]
    # The server's own CPU time per answered request: what it costs, less disturbed by the neighbours than time.
    result["server_cpu_ms_per_request"] = (
        1000 * (server.cpu_seconds() - cpu_before) / max(1, result["answered_with_warmup"])
    )
    return result


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def alternating(options: list, rep: int) -> list:
    """The options in order on even repeats and reversed on odd ones, so drift in the machine's load hits each alike."""
    return options if rep % 2 == 0 else options[::-1]


def bench_model(model: str, args: argparse.Namespace, report: dict) -> None:
    spec = MODELS[model]
    path = prepare(model)
    c = spec["concurrency"]
    results: dict[str, list[dict]] = {}

    def measure(key: str, kind: str, extra: list[str], transport: str, **mode) -> None:
        server = Running(kind, model, path, args.threads, extra)
        try:
            r = load(server, transport, model, spec, args.duration, **mode)
        finally:
            server.stop()
        results.setdefault(key, []).append(r)
        print(
            f"  {key:42s} {r['throughput']:9.1f}/s p50 {r['p50_ms']:8.2f} p99 {r['p99_ms']:8.2f} ms "
            f"cpu/req {r['server_cpu_ms_per_request']:6.2f} ms err {r['errors']} load {r['loadavg'][0]:.1f}",
            file=sys.stderr,
            flush=True,
        )

    def sweep(name: str, servers: list[tuple[str, str, list[str]]], transport: str, **mode) -> None:
        for rep in range(args.repeats):
            for label, kind, extra in alternating(servers, rep):
                measure(f"{transport}/{label}/{name}", kind, extra, transport, **mode)

    peers = [("kserve", "kserve", []), ("konnx", "konnx", [])]
    for transport in args.transports:
        sweep("saturation", peers, transport, concurrency=c)
        rate = round(0.5 * median_of(results[f"{transport}/kserve/saturation"], "throughput"), 1)
        sweep(f"fixed@{rate}", peers, transport, rate=rate, connections=64)

    # What dynamic batching buys with batch-1 requests (gRPC): none against the default, closed and open loop.
    if "grpc" in args.transports:
        batching = [("konnx-batch0", "konnx", ["--max-batch-size", "0"]), ("konnx-batch8", "konnx", [])]
        sweep(f"saturation@{4 * c}", batching, "grpc", concurrency=4 * c)
        rate = round(0.7 * median_of(results[f"grpc/konnx-batch0/saturation@{4 * c}"], "throughput"), 1)
        sweep(f"fixed@{rate}", batching, "grpc", rate=rate, connections=64)
    report[model] = results


def joined(runs: list[dict], key: str, digits: int) -> str:
    """Every repeat's value, in the order run."""
    return " / ".join(f"{r[key]:.{digits}f}" for r in runs)


def ratio(a: list[dict], b: list[dict], key: str) -> str:
    return f"{median_of(a, key) / median_of(b, key):.2f}"


def summarize(report: dict) -> str:
    models = {name: results for name, results in report.items() if not name.startswith("_")}
    lines = [
        "| model | transport | measurement | server | throughput (req/s) | p50 ms | p99 ms | server CPU ms/req | "
        "errors | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for model, results in models.items():
        for key, runs in results.items():
            transport, server, what = key.split("/", 2)
            lines.append(
                f"| {model} | {transport} | {what} | {server} | {joined(runs, 'throughput', 1)} | "
                f"{joined(runs, 'p50_ms', 2)} | {joined(runs, 'p99_ms', 2)} | "
                f"{joined(runs, 'server_cpu_ms_per_request', 2)} | {sum(r['errors'] for r in runs)} | "
                + " / ".join(f"{r['loadavg'][0]:.1f}" for r in runs)
                + " |"
            )
    lines += [
        "",
        "Medians of the repeats, konnx / KServe:",
        "",
        "| model | transport | throughput at saturation | p99 at saturation | p99 at fixed load | "
        "server CPU per request (saturation) |",
        "|---|---|---|---|---|---|",
    ]
    for model, results in models.items():
        for transport in ("grpc", "http"):
            k, b = results.get(f"{transport}/konnx/saturation"), results.get(f"{transport}/kserve/saturation")
            fixed = next((key.split("/", 2)[2] for key in results if key.startswith(f"{transport}/konnx/fixed@")), "")
            if not k or not b or not fixed:
                continue
            kf, bf = results[f"{transport}/konnx/{fixed}"], results[f"{transport}/kserve/{fixed}"]
            lines.append(
                f"| {model} | {transport} | {ratio(k, b, 'throughput')} | {ratio(k, b, 'p99_ms')} | "
                f"{ratio(kf, bf, 'p99_ms')} | {ratio(k, b, 'server_cpu_ms_per_request')} |"
            )
    lines += [
        "",
        "Dynamic batching at batch-1 traffic (gRPC), medians, konnx with batching (max 8) / without:",
        "",
        "| model | throughput, closed loop | p99 there | p99 at fixed load | server CPU per request (closed loop) |",
        "|---|---|---|---|---|",
    ]
    for model, results in models.items():
        keys = {key.split("/", 2)[2] for key in results if "/konnx-batch" in key}
        sat = next((key for key in keys if key.startswith("saturation@")), None)
        fixed = next((key for key in keys if key.startswith("fixed@")), None)
        if not sat or not fixed:
            continue
        b8, b0 = results[f"grpc/konnx-batch8/{sat}"], results[f"grpc/konnx-batch0/{sat}"]
        f8, f0 = results[f"grpc/konnx-batch8/{fixed}"], results[f"grpc/konnx-batch0/{fixed}"]
        lines.append(
            f"| {model} | {ratio(b8, b0, 'throughput')} | {ratio(b8, b0, 'p99_ms')} | {ratio(f8, f0, 'p99_ms')} | "
            f"{ratio(b8, b0, 'server_cpu_ms_per_request')} |"
        )
    return "\n".join(lines)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind, so that each server started is stopped
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="mobilenet_v2,fashion_cnn")
    p.add_argument("--transports", default="grpc,http")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument(
        "--quick",
        action="store_true",
        help="1 repeat of 4 s (a smoke run, not figures)",
    )
    p.add_argument("--out", default=str(BUILD / "bench-results/serve.json"))
    args = p.parse_args()
    if args.quick:
        args.repeats, args.duration = 1, 4
    args.transports = args.transports.split(",")
    WORK.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "_meta": {
            "threads": args.threads,
            "repeats": args.repeats,
            "duration_s": args.duration,
            "cpus": os.cpu_count(),
            "loadavg_start": os.getloadavg(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
    }
    for model in args.models.split(","):
        print(f"== {model}", file=sys.stderr, flush=True)
        bench_model(model, args, report)
    report["_meta"]["loadavg_end"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1))
    print(summarize(report))


if __name__ == "__main__":
    main()
