"""`konnx serve` driven by KServe 0.21's v2 Python clients, REST (JSON and binary tensors) and gRPC, in a process of
their own (kserve_client_run.py: KServe's and tritonclient's protos clash in one process); outputs equal
onnxruntime's on the same inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from serve_models import Server, fashion_input, mixed_inputs, ort_outputs

HERE = Path(__file__).resolve().parent


def test_kserve_rest_and_grpc_clients(server: Server, models: dict[str, Path], tmp_path: Path) -> None:
    feeds = {"rescaling_input": fashion_input(2, seed=3), **mixed_inputs(3, seed=4)}
    np.savez(tmp_path / "inputs.npz", **feeds)  # type: ignore[arg-type]
    run = subprocess.run(
        [
            sys.executable,
            str(HERE / "kserve_client_run.py"),
            f"http://{server.http_url}",
            server.grpc_url,
            str(tmp_path / "inputs.npz"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert facts["rest_live"] is True and facts["rest_ready"] is True and facts["rest_model_ready"] is True
    assert facts["rest_unknown_model_ready"] is False
    assert facts["grpc_live"] is True and facts["grpc_ready"] is True and facts["grpc_model_ready"] is True
    assert facts["rest_id_fashion"] == facts["grpc_id_mixed"].replace("mixed", "fashion") == "kserve-fashion"
    status, message = facts["rest_bad_input"]
    assert status == 400 and "[3,4]" in message, message
    code, details = facts["grpc_unknown_model"]
    assert code == "NOT_FOUND" and "nosuch" in details

    expected = {
        "fashion": ort_outputs(models["fashion"], {"rescaling_input": feeds["rescaling_input"]}),
        "mixed": ort_outputs(models["mixed/2"], {k: feeds[k] for k in ["x", "ids", "flag"]}),
    }
    checked = 0
    for prefix in ["rest_binary", "rest_json", "grpc"]:
        for model, outputs in expected.items():
            for name, want in outputs.items():
                path = tmp_path / f"{prefix}_{model}_{name}.npy"
                if prefix == "rest_json" and want.dtype == np.float16:
                    continue  # KServe's client refuses FP16 in JSON; the binary and gRPC runs carry it
                got = np.load(path)
                assert got.shape == want.shape, (path.name, got.shape, want.shape)
                if want.dtype.kind == "f":
                    np.testing.assert_allclose(
                        got.astype(want.dtype),
                        want,
                        rtol=1e-5,
                        atol=1e-6,
                        err_msg=path.name,
                    )
                else:
                    np.testing.assert_array_equal(got.astype(want.dtype), want, err_msg=path.name)
                checked += 1
    assert checked == 3 * 5 - 1
