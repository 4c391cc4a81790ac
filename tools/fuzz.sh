#!/usr/bin/env bash
# libFuzzer driver for the targets in tests/fuzz (built in build-asan by tools/test_hardening.sh).
#   tools/fuzz.sh seeds                  collect seed corpora from the test fixtures (after the unit tests
#                                        ran in build-asan) and Debian's ONNX backend test data
#   tools/fuzz.sh run TARGET SECONDS     fuzz one target (onnx keras_h5 keras_zip image tensor); prints
#                                        libFuzzer's final stats; exit 1 and the input in
#                                        build-asan/fuzz-artifacts/ on a crash, leak, timeout or OOM
# Corpora grow in build-asan/fuzz-corpus/TARGET (ignored by git); seeds live in build-asan/fuzz-seeds.
# KONNX_FUZZ_SEED picks libFuzzer's -seed (default 1: reproducible short runs; 0: random, for long runs).
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
    touch "$b/fuzz-corpus/$target.start"
    log="$b/fuzz-artifacts/$target.log"
    # Crashes are blamed by their first symbolized frame (an ASan interceptor, libhdf5 or konnx); bare addresses
    # would blame konnx for every interceptor report, so a missing symbolizer is an error, not a guess.
    if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
        ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
        [ -n "$ASAN_SYMBOLIZER_PATH" ] || {
            echo "fuzz: llvm-symbolizer not found (apt-get install llvm); needed to read crash stacks" >&2
            exit 1
        }
        export ASAN_SYMBOLIZER_PATH
    fi
    # -rss_limit_mb: a hostile file must hit a konnx limit long before 2.5 GB. -timeout: 25 s per input.
    limits=()
    if [[ $target == keras_* ]]; then
        # libhdf5 sizes metadata-cache buffers straight from file fields (up to ~1 TB) and handles a failed
        # malloc; glibc refuses such sizes too, so ASan returns NULL as glibc would, and only memory that
        # is really used (RSS) counts. See docs/RELIABILITY.md, "libhdf5 allocations".
        export ASAN_OPTIONS="${ASAN_OPTIONS:-}:allocator_may_return_null=1"
        # Known, unfixed libhdf5 1.10.8 bugs (docs/RELIABILITY.md #5, #6): a damaged variable-length string
        # descriptor makes H5Aread allocate and touch gigabytes; damaged object-header messages make it read
        # out of bounds. In fork mode, out-of-memory inputs and crashes are kept (fuzz-artifacts/) and the run
        # goes on; afterwards every crash whose first frame outside the sanitizer runtime is not in libhdf5
        # fails the run (a konnx bug), as do timeouts, leaks allocated outside libhdf5 and UBSan reports.
        limits=(-malloc_limit_mb=1048576 -fork=1 -ignore_ooms=1 -ignore_crashes=1)
    fi
    rc=0
    # A fixed libFuzzer seed (KONNX_FUZZ_SEED, default 1) makes the short CI run explore the same mutations on
    # every machine for a given commit, so a clean local run predicts CI; long exploratory runs set 0 (random).
    "$bin/fuzz_$target" -seed="${KONNX_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
        "${limits[@]}" \
        -print_final_stats=1 -artifact_prefix="$b/fuzz-artifacts/$target-" \
        "$b/fuzz-corpus/$target" "$b/fuzz-seeds/$target" >"$log" 2>&1 || rc=$?
    # In fork mode (Keras targets) libFuzzer exits with the status of its last job, which is often a kept
    # libhdf5 crash; the findings are classified below instead.
    if [ "$rc" != 0 ] && [ ${#limits[@]} = 0 ]; then
        tail -n 60 "$log"
        echo "fuzz: $target FAILED; input saved under $b/fuzz-artifacts/" >&2
        exit 1
    fi
    # First stack frame of each sanitizer report that is not the sanitizer/libFuzzer runtime or libc.
    first_frames() {
        awk '/^==[0-9]+==ERROR|^SUMMARY: UndefinedBehaviorSanitizer|runtime error:/ {want = 1; next}
             want && /^ *#[0-9]+ 0x/ && !/__interceptor|__asan|__sanitizer|__lsan|__ubsan|fuzzer::|libc\.so|malloc|free|operator (new|delete)| in (str|mem|wcs)[a-z]* \(|sysdeps/ {
                 print (/libhdf5/ ? "libhdf5" : "konnx"); want = 0 }'
    }
    blamed=$(first_frames <"$log")
    if [ ${#limits[@]} != 0 ]; then
        # Fork mode keeps the jobs' stack traces out of the log: replay each crash and leak kept by this run
        # alone. A leak is blamed on its allocation site (libhdf5 1.10 leaks when H5Fopen fails on a damaged
        # superblock). Some crashes do not reproduce alone: they depend on libhdf5 state left by earlier
        # inputs of their job.
        while read -r crash; do
            blamed+=$'\n'$(timeout 120 "$bin/fuzz_$target" -malloc_limit_mb=1048576 "$crash" 2>&1 | first_frames || true)
        done < <(find "$b/fuzz-artifacts" \( -name "$target-crash-*" -o -name "$target-leak-*" \) \
            -newer "$b/fuzz-corpus/$target.start" 2>/dev/null)
        if [ -n "$(find "$b/fuzz-artifacts" -name "$target-timeout-*" -newer "$b/fuzz-corpus/$target.start")" ]; then
            blamed+=$'\n'konnx
        fi
    fi
    hdf5_crashes=$(grep -c '^libhdf5$' <<<"$blamed" || true)
    if grep -q '^konnx$' <<<"$blamed"; then
        grep -B2 -A30 '==ERROR\|runtime error' "$log" | head -n 80
        echo "fuzz: $target FAILED: a crash outside libhdf5, a timeout or a leak; inputs under $b/fuzz-artifacts/" >&2
        exit 1
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')  # fork mode prints no stats
    ooms=$(grep -c 'ERROR: libFuzzer: out-of-memory' "$log" || true)
    [ "$ooms" != 0 ] || ooms=
    [ "$hdf5_crashes" != 0 ] || hdf5_crashes=
    echo "fuzz: $target: ${seconds} s, ${execs:-?} executions, corpus $(ls "$b/fuzz-corpus/$target" | wc -l) files," \
        "no konnx finding${ooms:+, $ooms out-of-memory inputs}${hdf5_crashes:+, $hdf5_crashes crashes/leaks inside libhdf5}"
    ;;
*)
    echo "usage: tools/fuzz.sh seeds | run TARGET SECONDS" >&2
    exit 64
    ;;
esac
