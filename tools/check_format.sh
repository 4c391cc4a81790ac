#!/usr/bin/env bash
# Fails when any C++ file differs from .clang-format or any Python file from ruff.toml (ruff check + ruff format);
# `tools/check_format.sh --fix` rewrites both.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
mapfile -t py < <(git ls-files '*.py')
ruff=.venv/bin/ruff
if [ "${1:-}" = "--fix" ]; then
    [ ${#files[@]} -eq 0 ] || clang-format -i "${files[@]}"
    if [ ${#py[@]} -gt 0 ]; then
        "$ruff" check --fix -q "${py[@]}"
        "$ruff" format -q "${py[@]}"
    fi
else
    [ ${#files[@]} -eq 0 ] || clang-format --dry-run -Werror "${files[@]}"
    # Plain commands, not `a && b` in a group: set -e ignores a failure inside an && list.
    if [ ${#py[@]} -gt 0 ]; then
        "$ruff" check -q "${py[@]}"
        "$ruff" format --check -q "${py[@]}"
    fi
    echo "format check: ${#files[@]} C++ files and ${#py[@]} Python files clean"
fi
