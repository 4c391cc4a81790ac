#!/usr/bin/env bash
# Fails when any C++ file differs from .clang-format (run `tools/check_format.sh --fix` to rewrite).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
[ ${#files[@]} -eq 0 ] && exit 0
if [ "${1:-}" = "--fix" ]; then
    clang-format -i "${files[@]}"
else
    clang-format --dry-run -Werror "${files[@]}"
    echo "format check: ${#files[@]} files clean"
fi
