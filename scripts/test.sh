#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs the whole test suite.
# Exits with ctest's status. Extra arguments are passed to cmake.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-"$ROOT/build"}
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh "$@"

status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j2) || status=$?
exit "$status"
