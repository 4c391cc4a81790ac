"""`konnx serve` driven by Triton's own clients (tritonclient 2.73, HTTP and gRPC): health, metadata, model
configuration, inference with JSON and binary tensors, versions, the repository extension and error statuses.
Every output is compared with onnxruntime's on the same inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tritonclient.grpc as tgrpc
import tritonclient.http as thttp
from serve_models import Server, fashion_input, mixed_inputs, ort_outputs
from tritonclient.utils import InferenceServerException

PROTOCOLS = ["http", "grpc"]


def client(server: Server, protocol: str):
    if protocol == "http":
        return thttp.InferenceServerClient(server.http_url, network_timeout=120)
    return tgrpc.InferenceServerClient(server.grpc_url)


def make_inputs(protocol: str, feeds: dict[str, np.ndarray], binary: bool = True) -> list:
    module = thttp if protocol == "http" else tgrpc
    datatypes = {
        np.float32: "FP32",
        np.int64: "INT64",
        np.bool_: "BOOL",
        np.float16: "FP16",
    }
    inputs = []
    for name, value in feeds.items():
        i = module.InferInput(name, list(value.shape), datatypes[value.dtype.type])
        if protocol == "http":
            i.set_data_from_numpy(value, binary_data=binary)
        else:
            i.set_data_from_numpy(value)
        inputs.append(i)
    return inputs


def assert_outputs_equal(result, expected: dict[str, np.ndarray]) -> None:
    for name, want in expected.items():
        got = result.as_numpy(name)
        assert got is not None, f"output {name} missing"
        assert got.dtype == want.dtype and got.shape == want.shape, (
            name,
            got.dtype,
            got.shape,
            want.shape,
        )
        if want.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(got, want, err_msg=name)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_health_and_server_metadata(server: Server, protocol: str) -> None:
    c = client(server, protocol)
    assert c.is_server_live() and c.is_server_ready()
    assert c.is_model_ready("fashion") and c.is_model_ready("mixed", "1") and c.is_model_ready("mixed", "2")
    meta = c.get_server_metadata()
    meta = meta if protocol == "http" else {"name": meta.name, "extensions": list(meta.extensions)}
    assert meta["name"] == "konnx"
    assert {"binary_tensor_data", "model_repository"} <= set(meta["extensions"])


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_model_metadata(server: Server, protocol: str) -> None:
    c = client(server, protocol)
    meta = c.get_model_metadata("mixed", as_json=True) if protocol == "grpc" else c.get_model_metadata("mixed")
    assert meta["name"] == "mixed" and meta["versions"] == ["2", "1"]
    inputs = {t["name"]: (t["datatype"], [int(d) for d in t["shape"]]) for t in meta["inputs"]}
    assert inputs == {
        "x": ("FP32", [-1, 4]),
        "ids": ("INT64", [-1, 3]),
        "flag": ("BOOL", [-1]),
    }
    outputs = {t["name"]: t["datatype"] for t in meta["outputs"]}
    assert outputs == {"y": "FP32", "s": "INT64", "n": "BOOL", "h": "FP16"}


def test_model_config_is_tritons_form(server: Server) -> None:
    config = client(server, "http").get_model_config("mixed")
    assert config["max_batch_size"] == 4 and config["instance_group"][0]["count"] == 2
    assert {i["name"]: i["dims"] for i in config["input"]} == {
        "x": [4],
        "ids": [3],
        "flag": [],
    }
    assert "dynamic_batching" in config
    assert client(server, "http").get_model_config("fixed")["max_batch_size"] == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("rows", [1, 3])
def test_keras_model_converted_at_load_matches_onnxruntime(
    server: Server, models: dict[str, Path], protocol: str, rows: int
) -> None:
    x = fashion_input(rows, seed=rows)
    result = client(server, protocol).infer("fashion", make_inputs(protocol, {"rescaling_input": x}))
    assert_outputs_equal(result, ort_outputs(models["fashion"], {"rescaling_input": x}))


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("version", ["1", "2", ""])
def test_versions_and_datatypes_match_onnxruntime(
    server: Server, models: dict[str, Path], protocol: str, version: str
) -> None:
    feeds = mixed_inputs(4, seed=11)
    result = client(server, protocol).infer("mixed", make_inputs(protocol, feeds), model_version=version)
    assert_outputs_equal(result, ort_outputs(models[f"mixed/{version or '2'}"], feeds))


@pytest.mark.parametrize("binary_in", [True, False])
@pytest.mark.parametrize("binary_out", [True, False])
def test_http_json_and_binary_tensors(
    server: Server, models: dict[str, Path], binary_in: bool, binary_out: bool
) -> None:
    feeds = mixed_inputs(2, seed=5)
    outputs = [thttp.InferRequestedOutput(n, binary_data=binary_out) for n in ["y", "s", "n"]]
    result = client(server, "http").infer("mixed", make_inputs("http", feeds, binary=binary_in), outputs=outputs)
    expected = ort_outputs(models["mixed/2"], feeds)
    assert_outputs_equal(result, {k: expected[k] for k in ["y", "s", "n"]})
    assert {o["name"] for o in result.get_response()["outputs"]} == {"y", "s", "n"}


def test_requested_output_subset_grpc(server: Server, models: dict[str, Path]) -> None:
    feeds = mixed_inputs(2, seed=6)
    result = client(server, "grpc").infer(
        "mixed", make_inputs("grpc", feeds), outputs=[tgrpc.InferRequestedOutput("s")]
    )
    assert result.as_numpy("y") is None
    np.testing.assert_array_equal(result.as_numpy("s"), ort_outputs(models["mixed/2"], feeds)["s"])


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_fixed_shape_model(server: Server, models: dict[str, Path], protocol: str) -> None:
    a = np.array([[-1, 2, -3], [4, -5, 6]], np.float32)
    result = client(server, protocol).infer("fixed", make_inputs(protocol, {"a": a}), request_id="req-7")
    response = result.get_response(as_json=True) if protocol == "grpc" else result.get_response()
    assert response["id"] == "req-7"
    assert_outputs_equal(result, ort_outputs(models["fixed"], {"a": a}))


def expect_error(protocol: str, call, status: str, *words: str) -> None:
    with pytest.raises(InferenceServerException) as info:
        call()
    e = info.value
    assert e.status() == status, (e.status(), e.message())
    for w in words:
        assert w in e.message(), e.message()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_errors_name_the_problem(server: Server, protocol: str) -> None:
    c = client(server, protocol)
    http = protocol == "http"
    x = fashion_input(1)
    bad = "400" if http else "StatusCode.INVALID_ARGUMENT"
    missing = "404" if http else "StatusCode.NOT_FOUND"
    expect_error(
        protocol,
        lambda: c.infer("nosuch", make_inputs(protocol, {"rescaling_input": x})),
        missing,
        "nosuch",
    )
    expect_error(
        protocol,
        lambda: c.infer("fashion", make_inputs(protocol, {"rescaling_input": x}), model_version="9"),
        missing,
        "version '9'",
    )
    expect_error(
        protocol,
        lambda: c.infer("fashion", make_inputs(protocol, {"rescaling_input": x.astype(np.float16)})),
        bad,
        "FP16",
        "FP32",
    )
    expect_error(
        protocol,
        lambda: c.infer("fashion", make_inputs(protocol, {"rescaling_input": x[:, :27]})),
        bad,
        "[1,27,28,1]",
        "[-1,28,28,1]",
    )
    expect_error(
        protocol,
        lambda: c.infer("fashion", make_inputs(protocol, {"wrong": x})),
        bad,
        "no input 'wrong'",
    )
    expect_error(
        protocol,
        lambda: c.infer("fashion", make_inputs(protocol, {"rescaling_input": fashion_input(9)})),
        bad,
        "batch of 9",
        "1..8",
    )
    expect_error(
        protocol,
        lambda: c.infer("mixed", make_inputs(protocol, {"x": mixed_inputs(1)["x"]})),
        bad,
        "input 'ids' is missing",
    )
    module = thttp if http else tgrpc
    expect_error(
        protocol,
        lambda: c.infer(
            "fashion",
            make_inputs(protocol, {"rescaling_input": x}),
            outputs=[module.InferRequestedOutput("nope")],
        ),
        bad,
        "no output 'nope'",
    )
    assert c.is_server_ready()  # and the server is still fine


def test_http_model_ready_for_unknown_model_is_false(server: Server) -> None:
    assert not client(server, "http").is_model_ready("nosuch")


def test_repository_index_unload_and_load(server: Server, models: dict[str, Path]) -> None:
    http, grpc = client(server, "http"), client(server, "grpc")
    index = {(m["name"], m.get("version")): m["state"] for m in http.get_model_repository_index()}
    assert index[("fashion", "1")] == "READY" and index[("mixed", "1")] == "READY" and index[("mixed", "2")] == "READY"
    http.unload_model("fixed")
    assert not http.is_model_ready("fixed") and not grpc.is_model_ready("fixed")
    # as Triton: an unloaded model does not make the server unready
    assert http.is_server_ready()
    by_name = {m["name"]: m for m in http.get_model_repository_index()}
    assert by_name["fixed"]["state"] == "UNAVAILABLE"
    assert by_name["fixed"]["reason"] == "unloaded"
    a = np.ones((2, 3), np.float32)
    expect_error(
        "http",
        lambda: http.infer("fixed", make_inputs("http", {"a": a})),
        "503",
        "not ready",
    )
    http.load_model("fixed")
    assert http.is_model_ready("fixed") and http.is_server_ready()
    assert_outputs_equal(
        http.infer("fixed", make_inputs("http", {"a": a})),
        ort_outputs(models["fixed"], {"a": a}),
    )
    expect_error("http", lambda: http.load_model(".."), "400", "not a model name")
    expect_error("http", lambda: http.unload_model("nosuch"), "404", "nosuch")
