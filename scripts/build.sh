#!/usr/bin/env bash
# Configures and builds sm-report (Release, Ninja) into build/.
# Extra arguments are passed to cmake, e.g.:
#   bash scripts/build.sh -DSMR_PORTABLE=ON     # CPUs without AVX2
#   bash scripts/build.sh -DSMR_BUILD_TESTS=OFF
# Environment: BUILD_DIR (default build), JOBS (default: all cores).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-"$ROOT/build"}
JOBS=${JOBS:-$(nproc)}

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$BUILD_DIR" -j "$JOBS"
