#!/usr/bin/env bash
# Soak: builds konnx_soak (Release, ./build) and runs 100k inferences of a small model in one Session,
# printing RSS before/after as JSON. Pass a different run count as $1. Results go in docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-100000}"
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build konnx_soak >/dev/null
./build/bench/konnx_soak --runs "$runs" --threads 1
