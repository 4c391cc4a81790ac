#!/usr/bin/env bash
# Embedded default: what the engine can show today (grows with the converter and CLI issues).
set -euo pipefail
cd "$(dirname "$0")/.."
KONNX=build/konnx
$KONNX --version
model=/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx
echo "== konnx run $model (seeded random input) =="
$KONNX run "$model" --output-dir build/demo-out
