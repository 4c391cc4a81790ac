"""`konnx run` on ONNX backend test cases as they are laid out: model.onnx plus test_data_set_0/input_N.pb fed as
bare `--input FILE` arguments (tensors, sequences and optionals, read as each input's type asks), its outputs
(a sequence's items as NAME_K.npy) checked against the case's output_N.pb, read with onnx's own numpy_helper."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

import onnx
from onnx import numpy_helper

DEBIAN_NODE = Path("/usr/share/libonnx-testdata/data/node")

CASES = [
    "test_abs",  # tensor in, tensor out
    "test_sequence_insert_at_back",  # sequence and tensors in, sequence out
    "test_sequence_map_add_2_sequences",  # two sequences in, a SequenceMap body, sequence out
    "test_optional_get_element_sequence",  # optional (of a sequence) in, sequence out
    "test_optional_has_element",  # optional in, bool tensor out
    "test_identity_sequence",
]


def expected_outputs(case: Path, model: onnx.ModelProto) -> dict[str, np.ndarray]:
    """Output files the CLI should write, by file stem, from the case's output_N.pb."""
    want: dict[str, np.ndarray] = {}
    for i, out in enumerate(model.graph.output):
        data = (case / "test_data_set_0" / f"output_{i}.pb").read_bytes()
        kind = out.type.WhichOneof("value")
        if kind == "sequence_type":
            seq = onnx.SequenceProto()
            seq.ParseFromString(data)
            for k, item in enumerate(numpy_helper.to_list(seq)):
                want[f"{out.name}_{k}"] = item
        elif kind == "optional_type":
            opt = onnx.OptionalProto()
            opt.ParseFromString(data)
            value = numpy_helper.to_optional(opt)
            if isinstance(value, list):
                for k, item in enumerate(value):
                    want[f"{out.name}_{k}"] = item
            elif value is not None:
                want[out.name] = value
        else:
            tensor = onnx.TensorProto()
            tensor.ParseFromString(data)
            want[out.name] = numpy_helper.to_array(tensor)
    return want


@pytest.mark.parametrize("name", CASES)
def test_backend_case_through_cli(konnx_cli: Path, tmp_path: Path, name: str) -> None:
    case = DEBIAN_NODE / name
    assert case.is_dir(), f"{case} is missing: bash tools/install_deps.sh installs libonnx-testdata"
    model = onnx.load(case / "model.onnx")
    inputs = sorted((case / "test_data_set_0").glob("input_*.pb"))
    args = [
        str(konnx_cli),
        "run",
        str(case / "model.onnx"),
        "--output-dir",
        str(tmp_path),
    ]
    for path in inputs:
        args += ["--input", str(path)]
    subprocess.run(args, check=True, capture_output=True, text=True)
    want = expected_outputs(case, model)
    got = {p.stem: np.load(p) for p in tmp_path.glob("*.npy")}
    assert sorted(got) == sorted(want)
    for key, value in want.items():
        assert got[key].dtype == value.dtype, key
        np.testing.assert_allclose(got[key], value, rtol=1e-5, atol=1e-6, err_msg=key)
