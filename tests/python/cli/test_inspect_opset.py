"""`konnx inspect` says whether konnx runs a model, naming an opset newer than the ones konnx runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import onnx
from onnx import TensorProto, helper


def relu_model(opset: int, path: Path) -> Path:
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)  # a valid model of that opset, as onnx defines it
    onnx.save(model, path)
    return path


@pytest.mark.parametrize(("opset", "runs"), [(18, True), (21, True), (22, False), (25, False)])
def test_inspect_reports_opset(konnx_cli: Path, tmp_path: Path, opset: int, runs: bool) -> None:
    model = relu_model(opset, tmp_path / "relu.onnx")
    text = subprocess.run(
        [str(konnx_cli), "inspect", str(model)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report = json.loads(
        subprocess.run(
            [str(konnx_cli), "inspect", str(model), "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert report["runs_on_konnx"] is runs
    if runs:
        assert "runs on konnx yes" in text
    else:
        assert f"runs on konnx no: opset {opset} (konnx runs ai.onnx opsets 1 to 21)" in text
