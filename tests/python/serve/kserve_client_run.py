"""Drives `konnx serve` with KServe 0.21's own v2 clients (InferenceRESTClient, InferenceGRPCClient).

Run as its own process by test_kserve_client.py: KServe's generated protos and tritonclient's declare the same
`inference.*` messages, and one Python process cannot import both. Inputs come from an .npz, every output is written
to OUT/<transport>_<model>_<output>.npy, and the checks' facts (health, error statuses) to OUT/facts.json; the test
compares the outputs with onnxruntime.

    kserve_client_run.py HTTP_URL GRPC_ADDRESS INPUTS.npz OUT_DIR
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import grpc
import httpx
import numpy as np
from kserve import (
    InferenceGRPCClient,
    InferenceRESTClient,
    InferInput,
    InferRequest,
    RESTConfig,
)

DATATYPES = {np.float32: "FP32", np.int64: "INT64", np.bool_: "BOOL"}


def request(model: str, feeds: dict[str, np.ndarray], binary: bool) -> InferRequest:
    inputs = []
    for name, value in feeds.items():
        i = InferInput(name, list(value.shape), DATATYPES[value.dtype.type])
        i.set_data_from_numpy(value, binary_data=binary)
        inputs.append(i)
    return InferRequest(model_name=model, infer_inputs=inputs, request_id=f"kserve-{model}")


def save(out: Path, prefix: str, response) -> None:
    for o in response.outputs:
        np.save(out / f"{prefix}_{o.name}.npy", o.as_numpy())


async def main(http_url: str, grpc_address: str, inputs: Path, out: Path) -> None:
    data = np.load(inputs)
    feeds = {
        "fashion": {"rescaling_input": data["rescaling_input"]},
        "mixed": {k: data[k] for k in ["x", "ids", "flag"]},
    }
    facts: dict[str, object] = {}
    rest = InferenceRESTClient(RESTConfig(protocol="v2", timeout=120))
    facts["rest_live"] = await rest.is_server_live(http_url)
    facts["rest_ready"] = await rest.is_server_ready(http_url)
    facts["rest_model_ready"] = await rest.is_model_ready(http_url, "fashion")
    facts["rest_unknown_model_ready"] = await rest.is_model_ready(http_url, "nosuch")
    for model, model_feeds in feeds.items():
        for binary in (True, False):
            response = await rest.infer(http_url, request(model, model_feeds, binary), model_name=model)
            facts[f"rest_id_{model}"] = response.id
            save(out, f"rest{'_binary' if binary else '_json'}_{model}", response)
    try:
        await rest.infer(
            http_url,
            request("fashion", {"rescaling_input": data["x"]}, True),
            model_name="fashion",
        )
    except httpx.HTTPStatusError as e:
        facts["rest_bad_input"] = [e.response.status_code, str(e)]
    await rest.close()

    async with InferenceGRPCClient(grpc_address, timeout=120, retries=0) as client:
        facts["grpc_live"] = await client.is_server_live()
        facts["grpc_ready"] = await client.is_server_ready()
        facts["grpc_model_ready"] = await client.is_model_ready("fashion")
        for model, model_feeds in feeds.items():
            response = await client.infer(request(model, model_feeds, True))
            facts[f"grpc_id_{model}"] = response.id
            save(out, f"grpc_{model}", response)
        try:
            await client.infer(request("nosuch", feeds["fashion"], True))
        except grpc.aio.AioRpcError as e:
            facts["grpc_unknown_model"] = [e.code().name, e.details()]
    (out / "facts.json").write_text(json.dumps(facts))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])))
