#!/usr/bin/env bash
# Hardening checks, short form for CI (called at the end of tools/test.sh; see docs/RELIABILITY.md):
#   1. ASan+UBSan build (clang, -O1, every finding fatal): unit tests, then the ONNX conformance runner over
#      both test-data sets (Debian's ONNX 1.12 and the venv's onnx package).
#   2. libFuzzer targets (same build): each for KONNX_FUZZ_SECONDS (60), two at a time, seeded from the
#      test fixtures and Debian's ONNX test data. A crash, leak, timeout or OOM fails the script and leaves
#      the input in build-asan/fuzz-artifacts/.
#   3. TSan build of the library + the concurrency tests only.
# Separate build folders (build-asan, build-tsan); only the targets needed are built; ccache makes reruns cheap.
# KONNX_HARDENING=0 skips everything; KONNX_HARDENING_STEPS="asan fuzz tsan" picks steps.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${KONNX_HARDENING:-1}" = 0 ]; then
    echo "hardening: skipped (KONNX_HARDENING=0)"
    exit 0
fi
steps=" ${KONNX_HARDENING_STEPS:-asan fuzz tsan} "
jobs="${KONNX_HARDENING_JOBS:-2}"
fuzz_seconds="${KONNX_FUZZ_SECONDS:-60}"
command -v clang++ >/dev/null || { echo "hardening: clang++ is required (apt-get install clang)" >&2; exit 1; }

# Every report is fatal. Leak checking stays on; the suppressions file lists each exception with its reason.
# allocator_may_return_null=1: libhdf5 sizes cache buffers from file fields (a hostile .h5 asks for ~1 TB)
# and handles a failed malloc, as glibc's malloc fails for such sizes; ASan would abort instead.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1"
export LSAN_OPTIONS="suppressions=$root/tools/sanitizers/lsan.supp:print_suppressions=0"
# ignore_noninstrumented_modules=1: the OpenMP runtime and libdnnl are not TSan-built and synchronize in ways
# TSan cannot see (TSan itself asks for this option when it finds libomp); konnx's own code stays checked.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$root/tools/sanitizers/tsan.supp"

clang_args=(-G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug
            -DCMAKE_C_FLAGS_DEBUG=-O1 -DCMAKE_CXX_FLAGS_DEBUG=-O1 -DKONNX_BUILD_BENCH=OFF)
t_start=$(date +%s)
stamp() { echo "hardening: $1 ($(($(date +%s) - t_start)) s so far)"; }

if [[ $steps == *" asan "* || $steps == *" fuzz "* ]]; then
    cmake -S . -B build-asan "${clang_args[@]}" -DKONNX_SANITIZE=address,undefined -DKONNX_FUZZ=ON >/dev/null
    ninja -C build-asan -j"$jobs" konnx_tests konnx_conformance konnx_cli fuzz_targets
    stamp "ASan+UBSan build done"
fi

if [[ $steps == *" asan "* ]]; then
    # The real-model and Keras-parity suites run in the normal build; under ASan they would add ~10 min of
    # large-tensor arithmetic without reaching new code.
    ./build-asan/tests/konnx_tests --gtest_brief=1 \
        --gtest_filter="${KONNX_ASAN_FILTER:--KerasResNet50.*:*KerasReal.*}"
    stamp "unit tests under ASan+UBSan passed"
    .venv/bin/python tools/onnx_testdata.py build/onnx-testdata
    for set in onnx-1.12 onnx-1.23; do
        data=/usr/share/libonnx-testdata/data
        [ "$set" = onnx-1.23 ] && data=build/onnx-testdata
        ./build-asan/tests/konnx_conformance --set "$set" --data "$data" \
            --expected "tests/onnx_backend/expected_pass_$set.txt" --tolerances "tests/onnx_backend/tolerances_$set.txt"
        stamp "ONNX conformance ($set) under ASan+UBSan passed"
    done
fi

if [[ $steps == *" fuzz "* ]]; then
    bash tools/fuzz.sh seeds
    printf '%s\n' onnx keras_h5 keras_zip image tensor |
        xargs -P 2 -I{} bash tools/fuzz.sh run {} "$fuzz_seconds"
    stamp "fuzz targets ran ${fuzz_seconds} s each without a finding"
fi

if [[ $steps == *" tsan "* ]]; then
    cmake -S . -B build-tsan "${clang_args[@]}" -DKONNX_SANITIZE=thread >/dev/null
    ninja -C build-tsan -j"$jobs" konnx_concurrency_tests
    KONNX_STRESS_RUNS="${KONNX_TSAN_RUNS:-50}" ./build-tsan/tests/konnx_concurrency_tests --gtest_brief=1
    stamp "concurrency tests under TSan passed"
fi
stamp "all hardening checks passed"
