#!/usr/bin/env bash
# Installs everything konnx needs to build and test: Debian 12 packages, the Python environment .venv/ (PyPI,
# tools/python/requirements.lock, exact versions and hashes) and npm packages (pinned lockfile).
# Idempotent: quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    build-essential cmake ninja-build ccache pkg-config clang-format clang libclang-rt-14-dev llvm libomp-dev
    libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata libhdf5-dev nlohmann-json3-dev libzip-dev
    libdnnl-dev ocl-icd-opencl-dev libstb-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
    dataset-fashion-mnist python3-venv libre2-dev
    libgrpc++-dev protobuf-compiler-grpc libboost-dev
)
# Python tools and tests use .venv (below), not Debian's python3-* packages: python3-venv is all they need here.
# libre2-dev: RE2, the regular expressions ONNX's RegexFullMatch specifies.
# libgrpc++-dev, protobuf-compiler-grpc: konnx serve's gRPC transport (grpc_cpp_plugin generates the protocol's
# service); libboost-dev: Boost.Beast (header-only) for its HTTP transport (docs/SERVING.md says why that library).
# ocl-icd-opencl-dev: Debian's oneDNN is built with its OpenCL GPU runtime, so its CMake config (find_package(dnnl))
# requires OpenCL; libdnnl-dev only recommends the package, and recommends are not installed here.
# llvm: llvm-symbolizer, without which sanitizer stack traces are bare addresses and tools/fuzz.sh cannot tell a
# crash in libhdf5 from one in konnx (clang does not depend on it).
# Node.js may come from elsewhere (e.g. NodeSource's nodejs bundles npm); only add Debian's when absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "konnx: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node test oracles (tfjs, onnxruntime-node): --ignore-scripts, or onnxruntime-node tries to download GPU binaries.
# A symlinked node_modules (a git worktree sharing another checkout's install) is left alone: npm ci
# would empty the link's target. npm ci writes node_modules/.package-lock.json, so its age says whether
# the install matches the lockfile.
node_modules=tools/node/node_modules
if [ ! -L "$node_modules" ] && { [ ! -f "$node_modules/.package-lock.json" ] ||
    [ tools/node/package-lock.json -nt "$node_modules/.package-lock.json" ]; }; then
    (cd tools/node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

# The one Python environment of the tools and tests (tools/python/requirements.in says why each is pinned).
# uv (itself pinned in the lock, bootstrapped with pip) makes .venv exactly the lock, removing what the lock
# dropped; a stamp in .venv records the lock's hash, so an up-to-date venv costs nothing. A symlinked .venv (a git
# worktree sharing another checkout's environment) is left alone, as node_modules is.
lock=tools/python/requirements.lock
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ ! -L .venv ] && [ "$(cat .venv/.konnx-lock 2>/dev/null)" != "$want" ]; then
    echo "konnx: syncing .venv with $lock (first time: ~4 GB of wheels, a few minutes)" >&2
    [ -x .venv/bin/python ] || /usr/bin/python3 -m venv .venv
    if [ ! -x .venv/bin/uv ]; then
        awk '/^uv==/ {on = 1; print; next} on && /^ +--hash/ {print; next} {on = 0}' "$lock" >.venv/uv-requirement.txt
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input --require-hashes --no-deps \
            -r .venv/uv-requirement.txt
    fi
    .venv/bin/uv pip sync --quiet --python .venv/bin/python --require-hashes "$lock"
    echo "$want" >.venv/.konnx-lock
fi
