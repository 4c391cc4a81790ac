#!/usr/bin/env bash
# libFuzzer driver for the targets in tests/fuzz (built in build-asan by tools/test_hardening.sh).
#   tools/fuzz.sh seeds                  collect seed corpora from the test fixtures (after the unit tests
#                                        ran in build-asan) and Debian's ONNX backend test data
#   tools/fuzz.sh run TARGET SECONDS     fuzz one target (onnx keras_h5 keras_zip image tensor); prints
#                                        libFuzzer's final stats; exit 1 and the input in
#                                        build-asan/fuzz-artifacts/ on a crash, leak, timeout or OOM
# Corpora grow in build-asan/fuzz-corpus/TARGET (ignored by git); seeds live in build-asan/fuzz-seeds.
# Seeds come from the files the test suites write in build/ (tools/test.sh runs ctest there first) and
# build-asan/, plus KONNX_FUZZ_SEED_DIRS (space-separated). KONNX_FUZZ_BIN overrides the targets' folder.
set -euo pipefail
cd "$(dirname "$0")/.."
b=build-asan
bin="${KONNX_FUZZ_BIN:-$b/tests/fuzz}"
onnx_data=/usr/share/libonnx-testdata/data
read -r -a fixtures <<<"build $b ${KONNX_FUZZ_SEED_DIRS:-}"

pick() {  # pick DEST MAXCOUNT find-args...: copy up to MAXCOUNT files, named by content hash
    local dest=$1 max=$2
    shift 2
    mkdir -p "$dest"
    { find "$@" 2>/dev/null || true; } | sort | head -n "$max" | while read -r f; do
        cp "$f" "$dest/$(sha1sum "$f" | cut -c1-16)"
    done || true  # head closing the pipe early is not an error
}

case "${1:-}" in
seeds)
    rm -rf "$b/fuzz-seeds"
    pick "$b/fuzz-seeds/onnx" 300 "$onnx_data" -name '*.onnx' -size -16k
    pick "$b/fuzz-seeds/onnx" 100 "${fixtures[@]}" -path '*test-tmp*' -name '*.onnx' -size -16k
    pick "$b/fuzz-seeds/tensor" 300 "$onnx_data" -name '*.pb' -size -4k
    pick "$b/fuzz-seeds/tensor" 100 "${fixtures[@]}" -name '*.npy' -size -64k
    pick "$b/fuzz-seeds/keras_h5" 200 "${fixtures[@]}" -name '*.h5' -size -256k
    pick "$b/fuzz-seeds/keras_zip" 100 "${fixtures[@]}" -name '*.keras' -size -512k
    pick "$b/fuzz-seeds/image" 200 "${fixtures[@]}" \( -name '*.png' -o -name '*.jpg' -o -name '*.bmp' -o -name '*.ppm' \
        -o -name '*.pgm' \) -size -64k
    for t in onnx tensor keras_h5 keras_zip image; do
        echo "fuzz seeds: $t: $(ls "$b/fuzz-seeds/$t" 2>/dev/null | wc -l) files"
    done
    ;;
run)
    target=$2 seconds=$3
    mkdir -p "$b/fuzz-corpus/$target" "$b/fuzz-artifacts" "$b/fuzz-seeds/$target"
    log="$b/fuzz-artifacts/$target.log"
    # -rss_limit_mb: a hostile file must hit a konnx limit long before 2.5 GB. -timeout: 25 s per input.
    limits=()
    if [[ $target == keras_* ]]; then
        # libhdf5 sizes metadata-cache buffers straight from file fields (up to ~1 TB) and handles a failed
        # malloc; glibc refuses such sizes too, so ASan returns NULL as glibc would, and only memory that
        # is really used (RSS) counts. See docs/RELIABILITY.md, "libhdf5 allocations".
        export ASAN_OPTIONS="${ASAN_OPTIONS:-}:allocator_may_return_null=1"
        limits=(-malloc_limit_mb=1048576)
    fi
    if ! "$bin/fuzz_$target" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 "${limits[@]}" \
        -print_final_stats=1 -artifact_prefix="$b/fuzz-artifacts/$target-" \
        "$b/fuzz-corpus/$target" "$b/fuzz-seeds/$target" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $target FAILED; input saved under $b/fuzz-artifacts/" >&2
        exit 1
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz: $target: ${seconds} s, $execs executions, corpus $(ls "$b/fuzz-corpus/$target" | wc -l) files, no finding"
    ;;
*)
    echo "usage: tools/fuzz.sh seeds | run TARGET SECONDS" >&2
    exit 64
    ;;
esac
