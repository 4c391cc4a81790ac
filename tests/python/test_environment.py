"""The pinned environment is what the tests run in: every oracle imports, at the version the lock names."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

LOCK = Path(__file__).resolve().parents[2] / "tools/python/requirements.lock"


def locked_versions() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^ \\\n]+)", LOCK.read_text(), flags=re.M)
    return {name.lower().replace("_", "-"): version for name, version in pins}


@pytest.mark.parametrize(
    "dist", ["tensorflow", "keras", "tf-keras", "onnx", "onnxruntime", "openvino", "tf2onnx", "torch", "numpy"]
)
def test_installed_version_is_the_locked_one(dist: str) -> None:
    assert metadata.version(dist) == locked_versions()[dist]
