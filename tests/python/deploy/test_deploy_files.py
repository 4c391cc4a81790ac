"""deploy/: the KServe manifests and the container build file agree with `konnx serve` as built.

The manifests are parsed (PyYAML), their konnx arguments checked against `konnx serve --help` (every option exists,
its value is in range) and their ports against those arguments; then konnx serve runs with each runtime's own
arguments (ports moved to free ones, /mnt/models to a small repository) and must answer the probes' paths, the
Prometheus annotation's path and gRPC's ServerReady. The Containerfile must install the package of every library the
built konnx links, and expose konnx serve's default ports.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest
import tritonclient.grpc as grpcclient
import yaml  # type: ignore[import-untyped]

SLIM_BASE = {"libc6", "libstdc++6", "libgcc-s1"}  # in debian:12-slim already


def manifests(repo_root: Path, name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((repo_root / "deploy/kserve" / name).read_text()) if d]


@pytest.fixture(scope="module")
def serve_help(konnx_cli: Path) -> dict[str, tuple[str, str]]:
    """Each option of `konnx serve --help`: (type and range text, default)."""
    text = subprocess.run([konnx_cli, "serve", "--help"], capture_output=True, text=True, check=True).stdout
    options = {}
    for m in re.finditer(r"^\s+(?:-\w,)?(--[\w-]+)(?: ([A-Z]+(?::[A-Z]+ in \[[^\]]+\])?))?(?:=(\S+))?", text, re.M):
        options[m.group(1)] = (m.group(2) or "", m.group(3) or "")
    assert options["--http-port"][1] == "8000" and options["--grpc-port"][1] == "8001", text
    return options


def konnx_args(runtime: dict) -> dict[str, str]:
    (container,) = runtime["spec"]["containers"]
    args = container["args"]
    assert args[:2] == ["serve", "/mnt/models"], args
    return dict(a.split("=", 1) for a in args[2:])


def check_in_range(option: str, value: str, spec: str) -> None:
    m = re.search(r"in \[(-?\d+) - (-?\d+)\]", spec)
    if m:
        assert int(m.group(1)) <= int(value) <= int(m.group(2)), f"{option}={value} outside {spec}"


def test_runtimes_use_real_options_and_their_ports(repo_root: Path, serve_help: dict) -> None:
    runtimes = manifests(repo_root, "servingruntime.yaml")
    assert {r["metadata"]["name"] for r in runtimes} == {"konnx", "konnx-grpc"}
    for runtime in runtimes:
        assert runtime["apiVersion"] == "serving.kserve.io/v1alpha1" and runtime["kind"] == "ServingRuntime"
        args = konnx_args(runtime)
        for option, value in args.items():
            assert option in serve_help, f"{runtime['metadata']['name']}: konnx serve has no option {option}"
            check_in_range(option, value, serve_help[option][0])
        http = int(args.get("--http-port", serve_help["--http-port"][1]))
        grpc = int(args.get("--grpc-port", serve_help["--grpc-port"][1]))
        (container,) = runtime["spec"]["containers"]
        (port,) = container["ports"]  # Knative routes one port per container
        expected = {"http1": http, "h2c": grpc}
        assert port["containerPort"] == expected[port["name"]], port
        protocols = set(runtime["spec"]["protocolVersions"])
        assert protocols == ({"v2", "grpc-v2"} if port["name"] == "http1" else {"grpc-v2"})
        for probe in ("readinessProbe", "livenessProbe"):
            handler = container[probe].get("httpGet") or container[probe]["tcpSocket"]
            assert handler["port"] == port["containerPort"], f"{probe} asks another port than the routed one"
        assert int(runtime["spec"]["annotations"]["prometheus.kserve.io/port"]) == http
        limit = float(container["resources"]["limits"]["cpu"])
        threads = int(args.get("--threads", "0")) * int(args.get("--instances", "1"))
        assert 0 < threads <= limit, "threads x instances must fit the CPU limit (konnx counts the node's cores)"


def test_inference_services_name_a_runtime_and_its_format(repo_root: Path) -> None:
    runtimes = {r["metadata"]["name"]: r for r in manifests(repo_root, "servingruntime.yaml")}
    services = manifests(repo_root, "inferenceservice.yaml")
    assert services
    for isvc in services:
        assert isvc["apiVersion"] == "serving.kserve.io/v1beta1" and isvc["kind"] == "InferenceService"
        model = isvc["spec"]["predictor"]["model"]
        runtime = runtimes[model["runtime"]]
        formats = {(f["name"], f["version"]) for f in runtime["spec"]["supportedModelFormats"]}
        assert (model["modelFormat"]["name"], model["modelFormat"]["version"]) in formats
        assert model["storageUri"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("name", ["konnx", "konnx-grpc"])
def test_runtime_arguments_serve(name: str, repo_root: Path, konnx_cli: Path, tmp_path: Path) -> None:
    runtime = next(r for r in manifests(repo_root, "servingruntime.yaml") if r["metadata"]["name"] == name)
    (container,) = runtime["spec"]["containers"]
    repo = tmp_path / "models"
    (repo / "fashion" / "1").mkdir(parents=True)
    shutil.copy(repo_root / "examples/fashion_mnist/fashion_mnist_cnn.h5", repo / "fashion/1/model.h5")
    ports = {"--http-port": free_port(), "--grpc-port": free_port()}
    args = [str(konnx_cli), "serve", str(repo)]
    for option, value in konnx_args(runtime).items():
        value = str(ports.get(option, value))
        args.append(f"{option}={'127.0.0.1' if option == '--address' else value}")
    process = subprocess.Popen([*args, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline() or "{}")
        assert info.get("http_port") == ports["--http-port"] and info.get("grpc_port") == ports["--grpc-port"]
        http = f"http://127.0.0.1:{ports['--http-port']}"
        paths = [runtime["spec"]["annotations"]["prometheus.kserve.io/path"]]
        paths += [
            container[p]["httpGet"]["path"] for p in ("readinessProbe", "livenessProbe") if "httpGet" in container[p]
        ]
        for path in paths:
            with urllib.request.urlopen(http + path, timeout=10) as r:
                assert r.status == 200, path
        client = grpcclient.InferenceServerClient(f"127.0.0.1:{ports['--grpc-port']}")
        assert client.is_server_ready() and client.is_model_ready("fashion")
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""


def test_container_installs_what_konnx_links(repo_root: Path, konnx_cli: Path, serve_help: dict) -> None:
    text = (repo_root / "deploy/Containerfile").read_text()
    runtime_stage = text.split("\nFROM debian:12-slim", 1)[1]
    install = re.search(r"apt-get install[^\n]*\\\n((?:.*\\\n)+)", runtime_stage)
    assert install, "the runtime stage installs no packages"
    packages = set(re.findall(r"[a-z0-9][a-z0-9+.-]+", install.group(1).replace("&&", ""))) | SLIM_BASE
    dynamic = subprocess.run(["readelf", "-d", konnx_cli], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    ldd = subprocess.run(["ldd", konnx_cli], capture_output=True, text=True, check=True).stdout
    resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
    assert needed
    # The loader itself has no "=>" in ldd's output.
    patterns = [f"*/{Path(resolved.get(lib, f'/lib64/{lib}')).parent.name}/{lib}" for lib in needed]
    owners = subprocess.run(["dpkg", "-S", *patterns], capture_output=True, text=True).stdout  # one scan, not one each
    for lib in needed:
        hits = [line.split(":", 1)[0] for line in owners.splitlines() if line.endswith(f"/{lib}")]
        assert hits, f"no Debian package has {lib}"
        assert hits[0] in packages, f"konnx links {lib} ({hits[0]}), which deploy/Containerfile does not install"
    exposed = re.search(r"^EXPOSE (\d+) (\d+)$", text, re.M)
    assert exposed and exposed.groups() == (serve_help["--http-port"][1], serve_help["--grpc-port"][1])
    assert re.search(r'^ENTRYPOINT \["konnx"\]$', text, re.M) and 'CMD ["serve", "/mnt/models"]' in text
