"""Models and a Triton-layout repository for the `konnx serve` tests, and a handle on a running server.

The ONNX models are built here with onnx.helper (independent of konnx), the Keras one is the bundled Fashion-MNIST
CNN (converted by the server at load); the reference for every output is onnxruntime on the same ONNX file (for the
Keras model: the ONNX `konnx convert` writes, which the serving path must reproduce exactly).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort

import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 13)]


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="konnx serve tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def mixed_model(path: Path, seed: int) -> Path:
    """Three inputs of three datatypes, batch dimension N: y = x @ W + b (FP32), s = sum(ids, 1) (INT64),
    n = not(flag) (BOOL), h = FP16(x)."""
    rng = np.random.default_rng(seed)
    w = numpy_helper.from_array(rng.standard_normal((4, 2)).astype(np.float32), "W")
    b = numpy_helper.from_array(rng.standard_normal(2).astype(np.float32), "B")
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "B"], ["y"]),
        helper.make_node("ReduceSum", ["ids", "axes"], ["s"], keepdims=0),
        helper.make_node("Not", ["flag"], ["n"]),
        helper.make_node("Cast", ["x"], ["h"], to=TensorProto.FLOAT16),
    ]
    graph = helper.make_graph(
        nodes,
        "mixed",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4]),
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["N", 3]),
            helper.make_tensor_value_info("flag", TensorProto.BOOL, ["N"]),
        ],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2]),
            helper.make_tensor_value_info("s", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("n", TensorProto.BOOL, ["N"]),
            helper.make_tensor_value_info("h", TensorProto.FLOAT16, ["N", 4]),
        ],
        [w, b, axes],
    )
    return _save(graph, path)


def fixed_model(path: Path) -> Path:
    """Fixed shapes, no batch dimension: out = relu(a) * 2, [2, 3] float."""
    two = numpy_helper.from_array(np.array(2.0, np.float32), "two")
    graph = helper.make_graph(
        [
            helper.make_node("Relu", ["a"], ["r"]),
            helper.make_node("Mul", ["r", "two"], ["out"]),
        ],
        "fixed",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [2, 3])],
        [two],
    )
    return _save(graph, path)


def mlp_model(path: Path) -> Path:
    """[N, 16] -> tanh(x @ W1) @ W2 -> [N, 8], for the batching test (rows must not mix)."""
    rng = np.random.default_rng(7)
    w1 = numpy_helper.from_array(rng.standard_normal((16, 32)).astype(np.float32), "W1")
    w2 = numpy_helper.from_array(rng.standard_normal((32, 8)).astype(np.float32), "W2")
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W1"], ["h"]),
            helper.make_node("Tanh", ["h"], ["t"]),
            helper.make_node("MatMul", ["t", "W2"], ["y"]),
        ],
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 8])],
        [w1, w2],
    )
    return _save(graph, path)


def slow_model(path: Path, matmuls: int = 12) -> Path:
    """A chain of [128,1024] x [1024,1024] identity MatMuls (~3 GFLOP, tens of ms): out == x, slowly."""
    eye = numpy_helper.from_array(np.eye(1024, dtype=np.float32), "I")
    nodes, prev = [], "x"
    for k in range(matmuls):
        out = "out" if k == matmuls - 1 else f"m{k}"
        nodes.append(helper.make_node("MatMul", [prev, "I"], [out]))
        prev = out
    graph = helper.make_graph(
        nodes,
        "slow",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [128, 1024])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [128, 1024])],
        [eye],
    )
    return _save(graph, path)


CONFIGS = {
    # Triton's own format; fields konnx ignores (optimization) are skipped with a warning.
    "mixed": """
name: "mixed"
max_batch_size: 4
version_policy: { all { } }
input [ { name: "x" data_type: TYPE_FP32 dims: [ 4 ] } ]
dynamic_batching { }
instance_group [ { count: 2 kind: KIND_CPU } ]
optimization { graph { level: 1 } }
""",
    "batcher": """
max_batch_size: 8
dynamic_batching {
  preferred_batch_size: [ 4 ]
  max_queue_delay_microseconds: 2000000
}
""",
    "slow": """
dynamic_batching { default_queue_policy { max_queue_size: 2 } }
""",
}


def build_repository(root: Path, repo_root: Path, konnx: Path) -> dict[str, Path]:
    """Writes the repository under root/repo and returns the ONNX file of each model (the ORT reference)."""
    repo = root / "repo"
    shutil.rmtree(repo, ignore_errors=True)
    files = {
        "mixed/1": mixed_model(repo / "mixed/1/model.onnx", seed=1),
        "mixed/2": mixed_model(repo / "mixed/2/model.onnx", seed=2),
        "fixed": fixed_model(repo / "fixed/1/model.onnx"),
        "batcher": mlp_model(repo / "batcher/1/model.onnx"),
        "slow": slow_model(repo / "slow/1/model.onnx"),
    }
    keras = repo_root / "examples/fashion_mnist/fashion_mnist_cnn.h5"
    (repo / "fashion/1").mkdir(parents=True)
    shutil.copy(keras, repo / "fashion/1/model.h5")
    files["fashion"] = root / "fashion.onnx"
    subprocess.run(
        [str(konnx), "convert", str(keras), "-o", str(files["fashion"]), "-q"],
        check=True,
    )
    for name, text in CONFIGS.items():
        (repo / name / "config.pbtxt").write_text(text)
    files["repo"] = repo
    return files


def ort_outputs(model: Path, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, feeds)))


def mixed_inputs(rows: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((rows, 4)).astype(np.float32),
        "ids": rng.integers(-1000, 1000, (rows, 3)).astype(np.int64),
        "flag": rng.integers(0, 2, rows).astype(bool),
    }


def fashion_input(rows: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 255, (rows, 28, 28, 1)).astype(np.float32)


@dataclass
class Server:
    """A running `konnx serve` process, its ports and where its logs go."""

    process: subprocess.Popen
    http_port: int
    grpc_port: int
    log_dir: Path
    info: dict = field(default_factory=dict)

    @property
    def http_url(self) -> str:
        return f"localhost:{self.http_port}"

    @property
    def grpc_url(self) -> str:
        return f"localhost:{self.grpc_port}"

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM (the graceful drain) and the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def stderr(self) -> str:
        return (self.log_dir / "stderr.txt").read_text(errors="replace")

    def access_log(self) -> list[dict]:
        path = self.log_dir / "access.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def start_server(konnx: Path, model: Path, log_dir: Path, *args: str, timeout: float = 120) -> Server:
    """Starts `konnx serve MODEL --json` on free ports and waits for its ready line."""
    log_dir.mkdir(parents=True, exist_ok=True)
    stderr = open(log_dir / "stderr.txt", "w")  # the server writes it while it runs
    cmd = [
        str(konnx),
        "serve",
        str(model),
        "--http-port",
        "0",
        "--grpc-port",
        "0",
        "--address",
        "127.0.0.1",
        "--json",
        "--access-log",
        str(log_dir / "access.jsonl"),
        *args,
    ]
    env = dict(os.environ, OMP_WAIT_POLICY="passive")  # the test machine's cores are shared
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
    deadline = time.monotonic() + timeout
    line = process.stdout.readline() if process.stdout else ""
    if not line:
        process.wait(timeout=max(1, deadline - time.monotonic()))
        raise RuntimeError(f"konnx serve exited {process.returncode}: {(log_dir / 'stderr.txt').read_text()}")
    info = json.loads(line)
    return Server(process, info["http_port"], info["grpc_port"], log_dir, info)
