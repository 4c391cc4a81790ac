#!/usr/bin/env python3
"""Writes the installed onnx package's backend test cases in the ONNX test layout, for konnx_conformance.

The onnx wheel ships its `pytorch-converted`, `pytorch-operator`, `simple` and `light` cases as files but not
its node cases (about 1,900; the repository has them as data): those are defined in Python
(`onnx.backend.test.case.node`) and are written here exactly as onnx's own generator writes them
(model.onnx + test_data_set_0/{input,output}_N.pb, sequences/optionals/maps as their protos). numpy's global
generator is seeded first, so the random inputs some cases draw are the same on every machine. The `light`
models (weights replaced by generators) get the input onnx's runner feeds them (arange / n) and their shipped
output. `real` cases need downloads and are skipped.

    tools/onnx_testdata.py OUTDIR     # e.g. build/onnx-testdata; writes OUTDIR/{node,simple,...}

Quick when up to date: OUTDIR/STAMP records the onnx version and this script's hash.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

import onnx
from onnx import TensorProto, TypeProto, numpy_helper

SHIPPED = ("pytorch-converted", "pytorch-operator", "simple")


def serialize(value: Any, name: str, type_proto: TypeProto) -> bytes:
    """One input or output as the .pb the ONNX test layout uses for its declared type."""
    kind = type_proto.WhichOneof("value")
    if kind == "map_type":
        return numpy_helper.from_dict(value, name).SerializeToString()
    if kind == "sequence_type":
        return numpy_helper.from_list(value, name).SerializeToString()
    if kind == "optional_type":
        return numpy_helper.from_optional(value, name).SerializeToString()
    if isinstance(value, TensorProto):
        return value.SerializeToString()
    return numpy_helper.from_array(value, name).SerializeToString()


def write_case(root: Path, model: onnx.ModelProto, inputs: list[Any], outputs: list[Any]) -> None:
    root.mkdir(parents=True)
    (root / "model.onnx").write_bytes(model.SerializeToString())
    data = root / "test_data_set_0"
    data.mkdir()
    graph = model.graph
    for i, value in enumerate(inputs):
        (data / f"input_{i}.pb").write_bytes(serialize(value, graph.input[i].name, graph.input[i].type))
    for i, value in enumerate(outputs):
        (data / f"output_{i}.pb").write_bytes(serialize(value, graph.output[i].name, graph.output[i].type))


def write_node_cases(out: Path) -> int:
    np.random.seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cases' numpy references divide by zero on purpose
        from onnx.backend.test.case import node

        cases = node.collect_testcases()
    for case in cases:
        assert case.model is not None and case.data_sets is not None
        inputs, outputs = case.data_sets[0]
        write_case(out / "node" / case.name, case.model, list(inputs), list(outputs))
    return len(cases)


def write_light_cases(data: Path, out: Path) -> int:
    count = 0
    for model_file in sorted((data / "light").glob("light_*.onnx")):
        name = "test_" + model_file.stem.removeprefix("light_")
        model = onnx.load(model_file)
        initializers = {t.name for t in model.graph.initializer}
        feeds = []
        for x in model.graph.input:
            if x.name in initializers:
                continue
            shape = [d.dim_value if d.HasField("dim_value") else 1 for d in x.type.tensor_type.shape.dim]
            n = int(np.prod(shape))
            feeds.append(numpy_helper.from_array((np.arange(n).reshape(shape) / n).astype(np.float32), x.name))
        case = out / "light" / name / "test_data_set_0"
        case.mkdir(parents=True)
        shutil.copyfile(model_file, case.parent / "model.onnx")
        for i, t in enumerate(feeds):
            (case / f"input_{i}.pb").write_bytes(t.SerializeToString())
        for i in range(len(model.graph.output)):
            shutil.copyfile(
                model_file.with_name(f"{model_file.stem}_output_{i}.pb"),
                case / f"output_{i}.pb",
            )
        count += 1
    return count


def main() -> int:
    if len(sys.argv) != 2:
        print(
            __doc__.strip().splitlines()[0],
            "\nusage: onnx_testdata.py OUTDIR",
            file=sys.stderr,
        )
        return 64
    out = Path(sys.argv[1])
    stamp = f"onnx {onnx.__version__}, {hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]}\n"
    if (out / "STAMP").is_file() and (out / "STAMP").read_text() == stamp:
        return 0
    data = Path(onnx.__file__).parent / "backend" / "test" / "data"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        counts = {"node": write_node_cases(tmp), "light": write_light_cases(data, tmp)}
        for folder in SHIPPED:
            shutil.copytree(data / folder, tmp / folder)
            counts[folder] = len(list((tmp / folder).iterdir()))
        (tmp / "STAMP").write_text(stamp)
        if out.exists():
            shutil.rmtree(out)
        os.rename(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"onnx {onnx.__version__} test data in {out}:",
        ", ".join(f"{k} {v}" for k, v in counts.items()),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
