#!/usr/bin/env bash
# The seed article's workflow (Cuda-Chen/keras2onnx-example) with konnx instead of Python + keras2onnx +
# onnxruntime: build the fish classifier's Keras .h5 (convert_keras_to_onnx.py's input), convert it to ONNX,
# classify 3_001_0.bmp with the 42 labels in the seed's order (main.py), and time it (comparison.py: the
# mean of 10 inference runs, 3 times; `time python main.py`: a fresh process that loads and runs once).
#
# The trained weights were never published, so the .h5 has the seed's exact architecture (keras.applications
# ResNet50 without top + Flatten + Dropout(0.5) + Dense(42, softmax)) with deterministic *random* weights:
# the top-5 below is NOT a fish prediction. What this shows is the workflow and the timings.
#
#   bash examples/fish/run.sh [KONNX_BINARY]     (after bash tools/install_deps.sh && bash tools/build.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KONNX=$(realpath "${1:-$ROOT/build/konnx}")
BUILD=$(dirname "$KONNX")
MODELS=$BUILD/models/seed_resnet50  # shared with tests/models/classify_models.cpp
OUT=$BUILD/fish
[ -x "$KONNX" ] || { echo "fish: $KONNX not found; build first (bash tools/build.sh)" >&2; exit 66; }
[ -x "$ROOT/.venv/bin/python" ] ||
    { echo "fish: Keras (.venv) missing; run bash tools/install_deps.sh first" >&2; exit 69; }
mkdir -p "$OUT" "$MODELS"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

say "1. Build the seed's model as a Keras .h5 with tf.keras 2 (ResNet50 + Flatten + Dropout + Dense(42, softmax); random weights)"
echo "\$ .venv/bin/python tools/make_seed_resnet50.py build/models/seed_resnet50"
# (TensorFlow's start-up chatter is shown only when something goes wrong)
log=$("$ROOT/.venv/bin/python" "$ROOT/tools/make_seed_resnet50.py" "$MODELS" 2>&1) || { echo "$log" >&2; exit 70; }
grep '^wrote' <<<"$log" || true

say "2. Convert it to ONNX (the seed: keras2onnx.convert_keras + save_model)"
echo "\$ konnx convert build/models/seed_resnet50/seed_resnet50.h5 -o build/fish/fish-resnet50.onnx"
"$KONNX" convert "$MODELS/seed_resnet50.h5" -o "$OUT/fish-resnet50.onnx"

say "3. Classify the seed's image (the seed: python main.py 3_001_0.bmp)"
echo "NOTE: random weights -- the top-5 is NOT a meaningful fish prediction; the format and the workflow are the seed's."
cd "$ROOT/examples/fish"
echo "\$ konnx classify build/fish/fish-resnet50.onnx 3_001_0.bmp --labels labels.txt"
"$KONNX" classify "$OUT/fish-resnet50.onnx" 3_001_0.bmp --labels labels.txt

say "4. Time it (the seed: comparison.py = mean of 10 runs, 3 times; time python main.py = load + one run)"
echo "\$ konnx bench build/fish/fish-resnet50.onnx --runs 10 --repeat 3"
"$KONNX" bench "$OUT/fish-resnet50.onnx" --runs 10 --repeat 3
echo
echo "\$ konnx bench build/fish/fish-resnet50.onnx --runs 3 --repeat 1 --cold     # 3 fresh processes"
"$KONNX" bench "$OUT/fish-resnet50.onnx" --runs 3 --repeat 1 --cold
