"""What a server does under load and at its limits: dynamic batching (rows never mix), a bounded queue that refuses
(429 / RESOURCE_EXHAUSTED) instead of growing, per-request timeouts (504 / DEADLINE_EXCEEDED), Prometheus metrics
(read back with prometheus_client's own parser), the JSON access log, and the graceful drain on SIGTERM."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import tritonclient.grpc as tgrpc
import tritonclient.http as thttp
from prometheus_client.parser import text_string_to_metric_families
from serve_models import Server, ort_outputs, slow_model, start_server
from tritonclient.utils import InferenceServerException


def metrics(server: Server) -> dict[tuple[str, frozenset], float]:
    text = urllib.request.urlopen(f"http://{server.http_url}/metrics", timeout=30).read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples


def sample(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def slow_input(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((128, 1024)).astype(np.float32)


def http_infer(server: Server, model: str, x: np.ndarray, name: str = "x", **kw):
    c = thttp.InferenceServerClient(server.http_url, network_timeout=120)
    i = thttp.InferInput(name, list(x.shape), "FP32")
    i.set_data_from_numpy(x)
    return c.infer(model, [i], **kw)


def run_concurrently(n: int, fn) -> list:
    """Calls fn(k) for k < n on n threads started together; returns each result or exception."""
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def one(k: int) -> None:
        barrier.wait()
        try:
            results[k] = fn(k)
        except Exception as e:  # noqa: BLE001 - the caller inspects it
            results[k] = e

    threads = [threading.Thread(target=one, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return results


def test_dynamic_batching_forms_one_batch_and_keeps_rows_apart(server: Server, models: dict[str, Path]) -> None:
    """batcher: preferred_batch_size 4, max_queue_delay 2 s. Four concurrent one-row requests run as one batch of 4
    (without waiting the 2 s), and each gets its own row, equal to onnxruntime's."""
    before = metrics(server)
    xs = [np.random.default_rng(k).standard_normal((1, 16)).astype(np.float32) for k in range(4)]
    started = time.monotonic()
    results = run_concurrently(4, lambda k: http_infer(server, "batcher", xs[k]).as_numpy("y"))
    elapsed = time.monotonic() - started
    for x, got in zip(xs, results):
        assert not isinstance(got, Exception), got
        np.testing.assert_allclose(got, ort_outputs(models["batcher"], {"x": x})["y"], rtol=1e-5, atol=1e-6)
    after = metrics(server)
    labels = {"model": "batcher", "version": "1"}
    executions = sample(after, "konnx_inference_executions_total", **labels) - sample(
        before, "konnx_inference_executions_total", **labels
    )
    rows = sample(after, "konnx_batch_size_sum", **labels) - sample(before, "konnx_batch_size_sum", **labels)
    assert (executions, rows) == (1, 4), (executions, rows)
    assert elapsed < 1.9, elapsed  # the preferred size ended the wait, not the 2 s delay


def test_bounded_queue_refuses_instead_of_growing(server: Server) -> None:
    """slow: one instance, max_queue_size 2. Eight requests at once: one runs, two wait, the rest get 429 (HTTP) or
    RESOURCE_EXHAUSTED (gRPC) at once; every accepted one answers correctly."""
    xs = [slow_input(k) for k in range(8)]

    def call(k: int):
        if k % 2:
            c = tgrpc.InferenceServerClient(server.grpc_url)
            i = tgrpc.InferInput("x", [128, 1024], "FP32")
            i.set_data_from_numpy(xs[k])
            return c.infer("slow", [i]).as_numpy("out")
        return http_infer(server, "slow", xs[k]).as_numpy("out")

    results = run_concurrently(8, call)
    refused = [r for r in results if isinstance(r, InferenceServerException)]
    answered = [(k, r) for k, r in enumerate(results) if isinstance(r, np.ndarray)]
    assert len(refused) + len(answered) == 8, results
    assert refused and len(answered) >= 3, [str(r) for r in refused]
    for r in refused:
        assert r.status() in ("429", "StatusCode.RESOURCE_EXHAUSTED"), (
            r.status(),
            r.message(),
        )
        assert "queue is full" in r.message()
    for k, out in answered:
        np.testing.assert_array_equal(out, xs[k])  # the model is a chain of identity MatMuls


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_request_timeout_in_the_queue(server: Server, protocol: str) -> None:
    """A request with a 1 ms timeout queued behind a running one is answered 504 / DEADLINE_EXCEEDED when its time
    is up; the one running finishes."""
    busy = threading.Thread(target=lambda: http_infer(server, "slow", slow_input(1)))
    busy.start()
    time.sleep(0.02)
    with pytest.raises(InferenceServerException) as info:
        if protocol == "http":
            http_infer(server, "slow", slow_input(2), timeout=1000)
        else:
            c = tgrpc.InferenceServerClient(server.grpc_url)
            i = tgrpc.InferInput("x", [128, 1024], "FP32")
            i.set_data_from_numpy(slow_input(2))
            c.infer("slow", [i], timeout=1000)
    busy.join()
    assert info.value.status() in ("504", "StatusCode.DEADLINE_EXCEEDED"), info.value.message()
    assert "timed out" in info.value.message()


def test_metrics_parse_and_count(server: Server) -> None:
    http_infer(server, "fixed", np.ones((2, 3), np.float32), name="a")
    samples = metrics(server)
    fixed = {"model": "fixed", "version": "1"}
    assert sample(samples, "konnx_inference_requests_total", **fixed) >= 1
    assert sample(samples, "konnx_request_duration_seconds_count", **fixed) >= 1
    assert sample(samples, "konnx_compute_duration_seconds_count", **fixed) >= 1
    assert sample(samples, "konnx_queue_duration_seconds_bucket", le="+Inf", **fixed) >= 1
    assert sample(samples, "konnx_queue_depth", **fixed) == 0
    assert (
        sample(
            samples,
            "konnx_requests_total",
            protocol="http",
            endpoint="/v2/models/{model}/infer",
            status="200",
        )
        >= 1
    )
    # the failures of the tests above, by reason (when they ran first)
    slow = {"model": "slow", "version": "1"}
    assert sample(samples, "konnx_inference_failures_total", reason="invalid_argument", **slow) == 0
    names = {name for name, _ in samples}
    assert {
        "konnx_batch_size_bucket",
        "konnx_inference_failures_total",
        "konnx_inference_executions_total",
    } <= names


def test_access_log_lines(server: Server) -> None:
    http_infer(server, "fixed", np.ones((2, 3), np.float32), name="a", request_id="log-me")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = server.access_log()
        mine = [r for r in lines if r.get("id") == "log-me"]
        if mine:
            break
        time.sleep(0.05)
    record = mine[0]
    assert record["protocol"] == "http" and record["method"] == "POST" and record["status"] == 200
    assert record["path"] == "/v2/models/fixed/infer" and record["model"] == "fixed" and record["version"] == "1"
    assert record["request_bytes"] > 0 and record["response_bytes"] > 0 and record["duration_ms"] >= 0
    assert record["remote"].startswith("127.0.0.1:") and record["time"].endswith("Z")
    assert any(r["protocol"] == "grpc" and r["method"] == "ModelInfer" for r in lines)
    assert all(set(r) >= {"time", "protocol", "status", "path"} for r in lines)


def test_sigterm_drains(models: dict[str, Path], konnx_cli: Path, tmp_path: Path) -> None:
    """SIGTERM: readiness turns false, new connections are refused, the requests already accepted finish with their
    answers, and the process exits 0."""
    slower = slow_model(tmp_path / "slower.onnx", matmuls=48)  # about a second a request: the drain takes a while
    srv = start_server(konnx_cli, slower, tmp_path, "--model-name", "slow", "--threads", "1")
    keep_alive = socket.create_connection(("127.0.0.1", srv.http_port))
    xs = [slow_input(k) for k in range(2)]
    outs: list = [None, None]

    def call(k: int) -> None:
        try:
            outs[k] = http_infer(srv, "slow", xs[k]).as_numpy("out")
        except Exception as e:  # noqa: BLE001
            outs[k] = e

    threads = [threading.Thread(target=call, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while sample(metrics(srv), "konnx_queue_depth", model="slow", version="1") < 1:  # one running, one queued
        assert time.monotonic() < deadline
        time.sleep(0.01)
    srv.process.send_signal(15)
    time.sleep(0.05)
    keep_alive.sendall(b"GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = keep_alive.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 503") and '"ready":false' in reply, reply
    with pytest.raises(ConnectionRefusedError):  # while the accepted requests still run
        socket.create_connection(("127.0.0.1", srv.http_port), timeout=5)
    for t in threads:
        t.join(timeout=120)
    assert srv.process.wait(timeout=60) == 0, srv.stderr()
    for x, out in zip(xs, outs):
        assert isinstance(out, np.ndarray), out
        np.testing.assert_array_equal(out, x)
    assert "draining" in srv.stderr() and "drained" in srv.stderr()
    records = [json.dumps(r) for r in srv.access_log()]
    assert sum('"status": 200' in r and "/infer" in r for r in records) == 2, records
