#!/usr/bin/env bash
# The test command from README.md: install dependencies, build with warnings as errors, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
bash tools/check_format.sh
bash tools/build.sh -DKONNX_WERROR=ON
cd build
ctest --output-on-failure -j2 --timeout 1800
