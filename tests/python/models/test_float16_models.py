"""float16 models (weights and activations in fp16, as onnxconverter-common's convert_float_to_float16 makes them)
run on konnx and match onnxruntime on the same fp16 model: torchvision's ResNet-18 (classification) and
LR-ASPP MobileNetV3 (segmentation: HardSwish, squeeze-excite, bilinear Resize), random seeded weights."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch
import torchvision
from onnxconverter_common import float16

import onnx

MODELS = {
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "lraspp_mobilenet_v3_large": lambda: torchvision.models.segmentation.lraspp_mobilenet_v3_large(
        weights=None, weights_backbone=None
    ),
}


@pytest.fixture(scope="module", params=sorted(MODELS))
def fp16_model(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The model exported by PyTorch (opset 17), converted to float16, and a seeded fp16 input."""
    folder = tmp_path_factory.mktemp(request.param)
    torch.manual_seed(0)
    model = MODELS[request.param]().eval()
    x = torch.randn(1, 3, 224, 224)
    fp32 = folder / "fp32.onnx"
    torch.onnx.export(model, x, fp32, opset_version=17, dynamo=False, input_names=["x"])
    fp16 = folder / "fp16.onnx"
    onnx.save(float16.convert_float_to_float16(onnx.load(fp32)), fp16)
    np.save(folder / "x.npy", x.numpy().astype(np.float16))
    return fp16, folder / "x.npy"


@pytest.mark.parametrize("opt_level", ["0", "2"])
def test_float16_model_matches_onnxruntime(
    konnx_cli: Path, tmp_path: Path, fp16_model: tuple[Path, Path], opt_level: str
) -> None:
    fp16, x_file = fp16_model
    x16 = np.load(x_file)
    session = ort.InferenceSession(fp16, providers=["CPUExecutionProvider"])
    want = session.run(None, {"x": x16})
    out = tmp_path / "out"
    subprocess.run(
        [
            str(konnx_cli),
            "run",
            str(fp16),
            "-O",
            opt_level,
            "--input",
            f"x={x_file}",
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    for info, ref in zip(session.get_outputs(), want, strict=True):
        got = np.load(out / f"{info.name}.npy")
        assert got.dtype == np.float16 and got.shape == ref.shape, info.name
        # Both compute in float32 between fp16 inputs and outputs: within about one fp16 ulp of the magnitude.
        scale = float(np.abs(ref.astype(np.float32)).max())
        np.testing.assert_allclose(got.astype(np.float32), ref.astype(np.float32), rtol=2e-3, atol=2e-3 * scale)
