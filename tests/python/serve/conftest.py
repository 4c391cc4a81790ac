"""Fixtures of the serving tests: the repository and one `konnx serve` process shared by the module's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_models import Server, build_repository, start_server


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory, repo_root: Path, konnx_cli: Path) -> dict[str, Path]:
    return build_repository(tmp_path_factory.mktemp("serve"), repo_root, konnx_cli)


@pytest.fixture(scope="session")
def server(models: dict[str, Path], konnx_cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The repository served with one thread per instance (the CI machine has two cores)."""
    srv = start_server(konnx_cli, models["repo"], tmp_path_factory.mktemp("server"), "--threads", "1")
    yield srv
    assert srv.stop() == 0, srv.stderr()
