#!/usr/bin/env bash
# The test command from README.md: install dependencies, build with warnings as errors, run every test (ctest,
# then pytest in .venv),
# then the hardening checks (sanitizers, fuzzing; tools/test_hardening.sh, KONNX_HARDENING=0 skips them),
# and print the totals of each part at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash tools/install_deps.sh
format=$(bash tools/check_format.sh 2>&1) || { echo "$format"; exit 1; }
echo "$format"
bash tools/build.sh -DKONNX_WERROR=ON
(cd build && ctest --output-on-failure -j2 --timeout 1800) 2>&1 | tee build/ctest.log
.venv/bin/python -m pytest -p no:cacheprovider 2>&1 | tee build/pytest.log
bash tools/test_hardening.sh 2>&1 | tee build/hardening.log
echo
echo "== test totals ($(($(date +%s) - start)) s)"
tail -n 1 <<<"$format"
grep -h "tests passed" build/ctest.log | sed 's/^/ctest: /' || true
cat build/conformance-*.txt 2>/dev/null || true
tail -n 1 build/pytest.log | sed 's/^=* */pytest: /; s/ *=*$//'
grep -h -e "^\[  PASSED  \]" -e "^conformance" -e "^fuzz: .*executions" -e "^hardening: all" build/hardening.log || true
