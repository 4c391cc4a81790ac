#!/usr/bin/env bash
# Test fixtures for konnx_model_tests (run by ctest as a setup fixture): hand-built ONNX models and the
# 13 torchvision classifiers with PyTorch's outputs, plus onnxruntime's outputs on the same inputs.
# Incremental: finished models are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/test-models}
py=.venv/bin/python
"$py" tools/gen_onnx_models.py "$out/handmade" >/dev/null
"$py" tools/export_torchvision.py "$out/torchvision" >/dev/null
for dir in "$out"/torchvision/*/; do
    [ -f "$dir/model.onnx" ] || continue
    [ -f "$dir/ort/output.npy" ] && continue
    "$py" tools/ort_run.py "$dir/model.onnx" --input "input=$dir/input_0.npy" --output-dir "$dir/ort" \
        --threads 2 --json >/dev/null
done
