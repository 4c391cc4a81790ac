"""`--precision`: fp32 is the default; bf16 is refused with exit code 69 (unsupported) and a one-line reason, the
CPU's lack of AVX512_BF16 (read from /proc/cpuinfo, not from konnx) or, where the CPU has it, that konnx has no
bf16 kernels yet. Unknown values are usage errors (64)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import onnx
from onnx import TensorProto, helper


def relu_model(path: Path) -> Path:
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def cpu_has_avx512_bf16() -> bool:
    flags = [line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")]
    return bool(flags) and "avx512_bf16" in flags[0].split()


def konnx(cli: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command", ["run", "bench"])
def test_bf16_is_refused_with_the_reason(konnx_cli: Path, tmp_path: Path, command: str) -> None:
    model = str(relu_model(tmp_path / "relu.onnx"))
    extra = ["--runs", "1", "--repeat", "1"] if command == "bench" else []
    r = konnx(konnx_cli, command, model, "--precision", "bf16", *extra)
    assert r.returncode == 69, r.stderr
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    want = "not implemented" if cpu_has_avx512_bf16() else "needs a CPU with AVX512_BF16"
    assert want in lines[0], lines[0]


def test_fp32_is_accepted_and_unknown_values_are_usage_errors(konnx_cli: Path, tmp_path: Path) -> None:
    model = str(relu_model(tmp_path / "relu.onnx"))
    default = konnx(konnx_cli, "run", model)
    fp32 = konnx(konnx_cli, "run", model, "--precision", "fp32")
    assert default.returncode == 0 and fp32.returncode == 0, fp32.stderr
    assert fp32.stdout == default.stdout
    bad = konnx(konnx_cli, "run", model, "--precision", "int4")
    assert bad.returncode == 64
    assert "--precision" in bad.stderr
