#!/bin/bash
# End-to-end check of the torchvision reference data: run every exported
# model through onnxruntime-node and compare with PyTorch's output.
#   tools/verify_torchvision_ort.sh OUTDIR [THREADS]   (after export_torchvision.py OUTDIR)
# Prints one line per model (session load ms, first run ms, median of 5 runs,
# errors vs PyTorch); exit 1 if any model fails rtol 1e-3 / atol 1e-4.
set -u
out=${1:?usage: $0 OUTDIR [THREADS]}
threads=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
fail=0
printf '%-20s %9s %9s %9s %11s %11s %s\n' model load_ms run1_ms run_med max_abs max_rel result
for d in "$out"/*/; do
  m=$(basename "$d")
  [ -f "$d/model.onnx" ] || continue
  summary=$(node "$here/node/ort_run.mjs" "$d/model.onnx" --input "input=$d/test_data_set_0/input_0.pb" \
            --output-dir "$d/ort" --threads "$threads" --repeat 5 --json) || { echo "$m: ort_run failed"; fail=1; continue; }
  cmp=$(/usr/bin/python3 "$here/compare_npy.py" "$d/ort/output.npy" "$d/output_0.npy" --rtol 1e-3 --atol 1e-4)
  rc=$?
  [ $rc -eq 0 ] || fail=1
  read -r load run med < <(echo "$summary" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.load_ms,j.run_ms,j.run_ms_median)})')
  abs=$(echo "$cmp" | sed -n 's/^max abs err: //p'); rel=$(echo "$cmp" | sed -n 's/^max rel err: //p')
  printf '%-20s %9.1f %9.1f %9.1f %11s %11s %s\n' "$m" "$load" "$run" "$med" "$abs" "$rel" "$(echo "$cmp" | tail -1)"
done
exit $fail
