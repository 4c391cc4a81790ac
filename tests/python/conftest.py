"""Shared fixtures of the Python tests: where the built konnx and the shared real files are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def build_dir() -> Path:
    """The CMake build folder (KONNX_BUILD_DIR, else build/ at the repository root)."""
    path = Path(os.environ.get("KONNX_BUILD_DIR", REPO_ROOT / "build"))
    if not (path / "konnx").exists():
        pytest.fail(f"konnx is not built in {path} (bash tools/build.sh)")
    return path


@pytest.fixture(scope="session")
def konnx_cli(build_dir: Path) -> Path:
    return build_dir / "konnx"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared next to the repository (real Keras files, the seed; KONNX_SHARED_DIR overrides, and a git worktree
    under <root>/wt/<name> finds <root>/shared); tests skip when it is absent."""
    candidates = [Path(os.environ["KONNX_SHARED_DIR"])] if "KONNX_SHARED_DIR" in os.environ else []
    candidates += [REPO_ROOT.parent / "shared", REPO_ROOT.parent.parent / "shared"]
    for path in candidates:
        if path.is_dir():
            return path
    pytest.skip(f"{candidates[0]} is absent: the shared real files are not on this machine")


@pytest.fixture(scope="session")
def keras_real_dir(shared_dir: Path) -> Path:
    path = shared_dir / "keras-real"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path
