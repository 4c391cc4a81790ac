"""Hostile and broken clients get a clear 4xx (or gRPC status) naming the problem, and the server keeps answering
everyone else: malformed JSON, wrong datatype/shape/size, binary-length mismatches, unknown models, oversized,
truncated and slow bodies, garbage on the wire. The last test runs good and bad clients at once and checks every
good answer against onnxruntime."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest
import tritonclient.grpc as tgrpc
import tritonclient.http as thttp
from serve_models import Server, fashion_input, ort_outputs, start_server
from tritonclient.utils import InferenceServerException

MAX_BYTES = 200_000
READ_TIMEOUT = 2


@pytest.fixture(scope="module")
def strict(models: dict[str, Path], konnx_cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with small limits: 200 kB bodies, 2 s to send a request."""
    srv = start_server(
        konnx_cli,
        models["repo"],
        tmp_path_factory.mktemp("strict"),
        "--threads",
        "1",
        "--max-request-bytes",
        str(MAX_BYTES),
        "--read-timeout",
        str(READ_TIMEOUT),
    )
    yield srv
    assert srv.stop() == 0, srv.stderr()


def raw_http(
    port: int,
    data: bytes,
    half_close: bool = False,
    pause: float = 0,
    rest: bytes = b"",
) -> tuple[int, str]:
    """Sends raw bytes (then, after `pause` seconds, `rest`), reads one response: (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        if pause:
            time.sleep(pause)
            try:
                s.sendall(rest)
            except OSError:
                pass
        if half_close:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
            length = [int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")]
            if length and len(body) >= length[0]:
                break
    reply = b"".join(chunks)
    if not reply:
        return 0, ""
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode(errors="replace")


def post(path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: x",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def infer_json(inputs: list[dict], **extra) -> bytes:
    return json.dumps({"inputs": inputs, **extra}).encode()


def fashion_json(shape=(1, 28, 28, 1), datatype="FP32", count=None, name="rescaling_input") -> dict:
    n = int(np.prod(shape)) if count is None else count
    return {"name": name, "datatype": datatype, "shape": list(shape), "data": [1.0] * n}


INFER = "/v2/models/fashion/infer"
X = fashion_input(1, seed=9)
BINARY_HEADER = json.dumps(
    {
        "inputs": [
            {
                "name": "rescaling_input",
                "datatype": "FP32",
                "shape": [1, 28, 28, 1],
                "parameters": {"binary_data_size": X.nbytes},
            }
        ]
    }
).encode()

# (what, request bytes, expected status, words the error names)
BAD_REQUESTS = [
    ("malformed JSON", post(INFER, b'{"inputs": [ {"name": '), 400, ["malformed JSON"]),
    ("not an object", post(INFER, b"[1, 2]"), 400, ["JSON object"]),
    ("no inputs", post(INFER, b'{"inputs": []}'), 400, ["'inputs'"]),
    (
        "wrong datatype",
        post(INFER, infer_json([fashion_json(datatype="FP64")])),
        400,
        ["FP64", "FP32"],
    ),
    (
        "unknown datatype",
        post(INFER, infer_json([fashion_json(datatype="FLOAT")])),
        400,
        ["unknown datatype 'FLOAT'"],
    ),
    (
        "wrong shape",
        post(INFER, infer_json([fashion_json(shape=(1, 28, 28, 3))])),
        400,
        ["[1,28,28,3]", "[-1,28,28,1]"],
    ),
    (
        "data count",
        post(INFER, infer_json([fashion_json(count=10)])),
        400,
        ["10 elements", "784"],
    ),
    (
        "string in FP32",
        post(INFER, infer_json([{**fashion_json(), "data": ["a"] * 784}])),
        400,
        ["not a number"],
    ),
    (
        "negative dim",
        post(INFER, infer_json([fashion_json(shape=(-1, 28, 28, 1), count=784)])),
        400,
        ["negative"],
    ),
    (
        "huge shape",
        post(INFER, infer_json([fashion_json(shape=(1 << 40, 1 << 40), count=1)])),
        400,
        ["more than"],
    ),
    (
        "big shape, little data",
        post(INFER, infer_json([fashion_json(shape=(1 << 20, 28, 28, 1), count=3)])),
        400,
        ["3 elements", "needs 822083584"],
    ),
    ("deep nesting", post(INFER, b"[" * 100000), 400, ["nested deeper"]),
    (
        "unknown input",
        post(INFER, infer_json([fashion_json(name="img")])),
        400,
        ["no input 'img'"],
    ),
    (
        "unknown model",
        post("/v2/models/nosuch/infer", infer_json([fashion_json()])),
        404,
        ["nosuch"],
    ),
    (
        "unknown version",
        post("/v2/models/fashion/versions/7/infer", infer_json([fashion_json()])),
        404,
        ["version '7'"],
    ),
    (
        "binary too short",
        post(
            INFER,
            BINARY_HEADER + X.tobytes()[:-8],
            {"Inference-Header-Content-Length": str(len(BINARY_HEADER))},
        ),
        400,
        ["binary_data_size is 3136", "3128"],
    ),
    (
        "binary left over",
        post(
            INFER,
            BINARY_HEADER + X.tobytes() + b"1234",
            {"Inference-Header-Content-Length": str(len(BINARY_HEADER))},
        ),
        400,
        ["4 bytes of binary"],
    ),
    (
        "binary size vs shape",
        post(
            INFER,
            BINARY_HEADER.replace(b"3136", b"3132") + X.tobytes()[:-4],
            {"Inference-Header-Content-Length": str(len(BINARY_HEADER) - 0)},
        ),
        400,
        ["3132 bytes", "needs 3136"],
    ),
    (
        "header length past body",
        post(INFER, BINARY_HEADER, {"Inference-Header-Content-Length": "999999"}),
        400,
        ["Inference-Header-Content-Length"],
    ),
    (
        "header length garbage",
        post(INFER, BINARY_HEADER, {"Inference-Header-Content-Length": "12x"}),
        400,
        ["byte count"],
    ),
    (
        "compressed",
        post(INFER, b"xx", {"Content-Encoding": "gzip"}),
        400,
        ["Content-Encoding"],
    ),
    (
        "wrong method",
        b"GET /v2/models/fashion/infer HTTP/1.1\r\nHost: x\r\n\r\n",
        405,
        ["POST"],
    ),
    ("unknown route", b"GET /v3/x HTTP/1.1\r\nHost: x\r\n\r\n", 404, ["no route"]),
    (
        "model name with a slash",
        post("/v2/repository/models/..%2Fetc/load", b""),
        400,
        ["not a model name"],
    ),
    ("garbage request line", b"HELLO\r\n\r\n", 400, ["malformed HTTP"]),
    ("oversized body", post(INFER, b"x" * (MAX_BYTES + 1)), 413, ["limit of 200000"]),
    (
        "oversized headers",
        b"GET /v2 HTTP/1.1\r\nX-Big: " + b"y" * 70000 + b"\r\n\r\n",
        431,
        ["headers"],
    ),
]


@pytest.mark.parametrize("what,data,status,words", BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS])
def test_bad_http_request(strict: Server, what: str, data: bytes, status: int, words: list[str]) -> None:
    got, body = raw_http(strict.http_port, data)
    assert got == status, (what, got, body)
    message = json.loads(body)["error"]
    for w in words:
        assert w in message, (what, message)


def test_truncated_body_is_answered(strict: Server) -> None:
    body = infer_json([fashion_json()])
    got, text = raw_http(strict.http_port, post(INFER, body)[: -len(body) // 2], half_close=True)
    assert got == 400 and "truncated" in json.loads(text)["error"], text


def test_oversized_chunked_body(strict: Server) -> None:
    chunk = b"x" * 65536
    data = b"POST " + INFER.encode() + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    data += (b"10000\r\n" + chunk + b"\r\n") * 4 + b"0\r\n\r\n"
    got, text = raw_http(strict.http_port, data)
    assert got == 413, text


def test_slow_client_times_out_others_are_served(strict: Server, models: dict[str, Path]) -> None:
    """A client that sends half its headers and stalls gets 408 after --read-timeout; meanwhile others are served."""
    result: dict[str, tuple[int, str]] = {}
    slow = threading.Thread(
        target=lambda: result.update(
            slow=raw_http(
                strict.http_port,
                b"POST /v2/models/fashion/infer HTTP/1.1\r\nHost: x\r\nContent-Le",
                pause=0,
            )
        )
    )
    slow.start()
    c = thttp.InferenceServerClient(strict.http_url)
    i = thttp.InferInput("rescaling_input", list(X.shape), "FP32")
    i.set_data_from_numpy(X)
    started = time.monotonic()
    np.testing.assert_allclose(
        c.infer("fashion", [i]).as_numpy("dense_1"),
        ort_outputs(models["fashion"], {"rescaling_input": X})["dense_1"],
        rtol=1e-5,
        atol=1e-6,
    )
    assert time.monotonic() - started < READ_TIMEOUT  # not stuck behind the slow client
    slow.join(timeout=READ_TIMEOUT + 10)
    status, body = result["slow"]
    assert status == 408 and "did not arrive" in body, body


def test_bad_grpc_requests(strict: Server) -> None:
    c = tgrpc.InferenceServerClient(strict.grpc_url)

    def expect(code: str, words: list[str], inputs, model="fashion") -> None:
        with pytest.raises(InferenceServerException) as info:
            c.infer(model, inputs)
        assert info.value.status() == code, (info.value.status(), info.value.message())
        for w in words:
            assert w in info.value.message(), info.value.message()

    i = tgrpc.InferInput("rescaling_input", [1, 28, 28, 1], "FP32")
    i.set_data_from_numpy(X)
    i._raw_content = X.tobytes()[:-4]  # a raw_input_contents shorter than the shape says
    expect(
        "StatusCode.INVALID_ARGUMENT",
        ["raw_input_contents is 3132 bytes", "needs 3136"],
        [i],
    )
    big = np.zeros((60, 28, 28, 1), np.float32)  # 188 kB of data: fine; 70 copies is over the 200 kB limit
    j = tgrpc.InferInput("rescaling_input", [70, 28, 28, 1], "FP32")
    j.set_data_from_numpy(np.concatenate([big, big[:10]]))
    expect("StatusCode.RESOURCE_EXHAUSTED", [], [j])
    k = tgrpc.InferInput("rescaling_input", [1, 28, 28, 1], "INT64")
    k.set_data_from_numpy(X.astype(np.int64))
    expect("StatusCode.INVALID_ARGUMENT", ["INT64", "FP32"], [k])
    expect("StatusCode.NOT_FOUND", ["nosuch"], [i], model="nosuch")
    assert c.is_server_live()


def test_good_and_bad_clients_at_once(strict: Server, models: dict[str, Path]) -> None:
    """Good clients (tritonclient HTTP binary and JSON, gRPC) run while bad ones hammer the same server; every
    good answer is checked against onnxruntime and every bad one gets its 4xx."""
    rounds = 12
    inputs = [fashion_input(1 + k % 3, seed=100 + k) for k in range(rounds)]
    expected = [ort_outputs(models["fashion"], {"rescaling_input": x})["dense_1"] for x in inputs]
    failures: list[str] = []
    good_answers = [0]
    lock = threading.Lock()

    def good(kind: str) -> None:
        try:
            if kind == "grpc":
                c = tgrpc.InferenceServerClient(strict.grpc_url)
                module = tgrpc
            else:
                c = thttp.InferenceServerClient(strict.http_url)
                module = thttp
            for x, want in zip(inputs, expected):
                i = module.InferInput("rescaling_input", list(x.shape), "FP32")
                if kind == "grpc":
                    i.set_data_from_numpy(x)
                else:
                    i.set_data_from_numpy(x, binary_data=kind == "binary")
                got = c.infer("fashion", [i]).as_numpy("dense_1")
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
                with lock:
                    good_answers[0] += 1
        except Exception as e:  # noqa: BLE001 - reported below with the client's kind
            with lock:
                failures.append(f"good {kind}: {e!r}")

    def bad(offset: int) -> None:
        for k in range(rounds):
            what, data, status, _ = BAD_REQUESTS[(offset + k) % len(BAD_REQUESTS)]
            got, body = raw_http(strict.http_port, data)
            if got != status:
                with lock:
                    failures.append(f"bad {what}: {got} {body[:200]}")
        try:  # and a gRPC client that sends garbage bytes as its message
            channel = grpc.insecure_channel(strict.grpc_url)
            channel.unary_unary("/inference.GRPCInferenceService/ModelInfer")(b"\xff\xff\xff", timeout=10)
            failures.append("garbage gRPC message was accepted")
        except grpc.RpcError as e:
            # gRPC itself answers a message that does not parse (the callback API says UNIMPLEMENTED)
            if e.code() not in (
                grpc.StatusCode.INTERNAL,
                grpc.StatusCode.INVALID_ARGUMENT,
                grpc.StatusCode.UNIMPLEMENTED,
            ):
                failures.append(f"garbage gRPC message: {e.code()}")

    threads = [threading.Thread(target=good, args=(k,)) for k in ("binary", "json", "grpc")]
    threads += [threading.Thread(target=bad, args=(k * 7,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures
    assert good_answers[0] == 3 * rounds
    assert strict.process.poll() is None
