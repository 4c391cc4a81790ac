"""The baseline of bench/serve/run.py: what a user would otherwise deploy — KServe 0.21's Python ModelServer with a
model that wraps onnxruntime (the pattern of KServe's custom-predictor docs), serving the v2 protocol on REST
(uvicorn) and gRPC. Its per-request log lines (uvicorn's access log, KServe's timing trace and gRPC method lines)
are turned off, its best case; konnx keeps writing its JSON access log.

    kserve_ort_server.py MODEL.onnx NAME HTTP_PORT GRPC_PORT THREADS
"""

from __future__ import annotations

import logging
import sys

import numpy as np
import onnxruntime as ort
from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer

DATATYPES = {
    np.float32: "FP32",
    np.float16: "FP16",
    np.int64: "INT64",
    np.int32: "INT32",
    np.bool_: "BOOL",
}


class OnnxRuntimeModel(Model):
    def __init__(self, name: str, path: str, threads: int) -> None:
        super().__init__(name)
        self.path, self.threads = path, threads
        self.session: ort.InferenceSession | None = None

    def load(self) -> bool:
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(self.path, options, providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.ready = True
        return self.ready

    def predict(self, payload: InferRequest, headers: dict[str, str] | None = None, **kwargs) -> InferResponse:
        assert self.session is not None
        feeds = {i.name: i.as_numpy() for i in payload.inputs}
        names = [o.name for o in self.session.get_outputs()]
        results = self.session.run(names, feeds)
        outputs = []
        for name, value in zip(names, results):
            out = InferOutput(name=name, shape=list(value.shape), datatype=DATATYPES[value.dtype.type])
            out.set_data_from_numpy(value, binary_data=True)
            outputs.append(out)
        return InferResponse(
            model_name=self.name,
            infer_outputs=outputs,
            response_id=payload.id,
            use_binary_outputs=True,
        )


if __name__ == "__main__":
    path, name, http_port, grpc_port, threads = (
        sys.argv[1],
        sys.argv[2],
        int(sys.argv[3]),
        int(sys.argv[4]),
        int(sys.argv[5]),
    )
    sys.argv = sys.argv[:1]  # ModelServer parses the command line itself
    model = OnnxRuntimeModel(name, path, threads)
    model.load()
    server = ModelServer(http_port=http_port, grpc_port=grpc_port, workers=1, enable_latency_logging=False)
    # One line per request otherwise: uvicorn's access log, KServe's timing trace and its gRPC interceptor (which
    # logs on "kserve" itself). ModelServer() configured them; its start-up lines go too.
    for per_request in ("uvicorn.access", "kserve.trace", "kserve"):
        logging.getLogger(per_request).setLevel(logging.WARNING)
    server.start([model])
