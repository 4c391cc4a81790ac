#!/usr/bin/env bash
# The main job from README.md, offline: install, build, then run the embedded default model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
bash tools/build.sh
exec bash examples/demo.sh
