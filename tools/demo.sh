#!/usr/bin/env bash
# The main job from README.md, offline: install, build, then run the embedded default model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
# The same configuration as the test command (tools/test.sh), so running both builds once; Debian 12's
# GCC 12 builds konnx without a warning.
bash tools/build.sh -DKONNX_WERROR=ON
exec bash examples/demo.sh
