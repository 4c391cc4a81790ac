#!/usr/bin/env bash
# The embedded default (README's first command runs this after install + build), offline, a few seconds:
# convert the bundled Keras Fashion-MNIST CNN to ONNX, classify the bundled test images in the seed's
# format, check that every image's true label is ranked first (exit 1 otherwise), then a short bench.
#   bash examples/demo.sh [KONNX_BINARY]      (default build/konnx)
set -euo pipefail
cd "$(dirname "$0")/.."
KONNX=${1:-build/konnx}
DIR=examples/fashion_mnist
LABELS=${KONNX_DEMO_LABELS:-$DIR/labels.txt}  # tests swap in wrong labels to see the check fail
OUT=$(dirname "$KONNX")/demo
[ -x "$KONNX" ] || { echo "demo: $KONNX not found; build first (bash tools/build.sh)" >&2; exit 66; }
mkdir -p "$OUT"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

"$KONNX" --version
echo "Model: a small Keras CNN trained on Fashion-MNIST (90.54% test accuracy), $DIR/fashion_mnist_cnn.h5"

say "1. Convert the Keras .h5 to ONNX (no Python, no TensorFlow)"
echo "\$ konnx convert $DIR/fashion_mnist_cnn.h5 -o $OUT/fashion_mnist_cnn.onnx"
"$KONNX" convert "$DIR/fashion_mnist_cnn.h5" -o "$OUT/fashion_mnist_cnn.onnx"

# The sample images (PNG and BMP of the same test-split pictures); true labels from samples.txt.
images=("$DIR"/*.png "$DIR"/*.bmp)
declare -A truth
while IFS=$'\t' read -r file label _; do
    [[ -z "$file" || "$file" == \#* ]] || truth[${file%.*}]=$label
done <"$DIR/samples.txt"

say "2. Classify ${#images[@]} test images (top-5: path, then probability and label, as the seed's main.py)"
echo "\$ konnx classify $OUT/fashion_mnist_cnn.onnx $DIR/*.png $DIR/*.bmp --labels $LABELS"
"$KONNX" classify "$OUT/fashion_mnist_cnn.onnx" "${images[@]}" --labels "$LABELS" | tee "$OUT/classify.txt"

say "3. Check: the true label is ranked first for every image"
wrong=0
current=""
first_after_path=0
while IFS= read -r line; do
    if [[ "$line" != "    "* ]]; then
        current=$line
        first_after_path=1
    elif ((first_after_path)); then
        first_after_path=0
        top=${line:11}  # "    0.998  label": the label starts after 4 + 5 + 2 characters
        stem=${current##*/}
        want=${truth[${stem%.*}]:-?}
        if [[ "$top" == "$want" ]]; then
            printf '  ok     %-45s %s\n' "$current" "$want"
        else
            printf '  WRONG  %-45s true %s, top-1 %s\n' "$current" "$want" "$top"
            wrong=$((wrong + 1))
        fi
    fi
done <"$OUT/classify.txt"
checked=$(grep -vc '^    ' "$OUT/classify.txt" || true)
if ((wrong != 0 || checked != ${#images[@]})); then
    echo "demo: FAILED: $wrong of ${#images[@]} images misclassified ($checked results read)" >&2
    exit 1
fi
echo "  all ${#images[@]} images classified correctly"

say "4. Bench: load, first run, mean of 10 runs x 3 (the seed's comparison.py), percentiles"
echo "\$ konnx bench $OUT/fashion_mnist_cnn.onnx --runs 10 --repeat 3"
"$KONNX" bench "$OUT/fashion_mnist_cnn.onnx" --runs 10 --repeat 3

cat <<EOF

Done. Try next:
  $KONNX inspect $DIR/fashion_mnist_cnn.h5
  $KONNX classify $DIR/fashion_mnist_cnn.keras $DIR/6_shirt_idx4.png --labels $DIR/labels.txt --json
  bash examples/fish/run.sh      # the seed article's ResNet50 fish workflow (builds a 112 MB model first)
EOF
