#!/usr/bin/env bash
# The test command from README.md: install dependencies, build with warnings as errors, run every test,
# then the hardening checks (sanitizers, fuzzing; tools/test_hardening.sh, KONNX_HARDENING=0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
bash tools/check_format.sh
bash tools/build.sh -DKONNX_WERROR=ON
(cd build && ctest --output-on-failure -j2 --timeout 1800)
bash tools/test_hardening.sh
