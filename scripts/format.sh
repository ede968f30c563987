#!/usr/bin/env bash
# Formats every C++ file the repository tracks with clang-format and the
# project's .clang-format (Google style, 100 columns).
#   bash scripts/format.sh          # rewrite the files in place
#   bash scripts/format.sh --check  # list the files that are not formatted; exit 1 if any
# Needs clang-format (Debian: apt-get install clang-format); the files were
# formatted with clang-format 14, and other versions may differ slightly.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v clang-format >/dev/null || { echo "format: clang-format not found (apt-get install clang-format)" >&2; exit 2; }

mapfile -t files < <(git ls-files '*.cc' '*.h')
if [[ "${1:-}" == --check ]]; then
  bad=0
  for f in "${files[@]}"; do
    if ! clang-format --style=file "$f" | cmp -s - "$f"; then
      echo "not formatted: $f"
      bad=1
    fi
  done
  exit "$bad"
fi
clang-format --style=file -i "${files[@]}"
echo "format: ${#files[@]} files"
