#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs the whole test suite.
# Exits with ctest's status. Extra arguments are passed to cmake.
#
# The shared-data tests (label shared-data) replay checks on real SageMaker
# output that the repository does not carry; they are built and run only
# when that folder exists (-DSMR_SHARED_DIR, default ../shared beside the
# source tree, as CI has it). A line after the run says whether they ran,
# and another one when the browser tests were skipped for want of Chromium
# (or the CI output tests for want of jsonschema, junitparser or xmllint).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-"$ROOT/build"}
cd "$ROOT"

bash scripts/setup.sh
# With MPI (Open MPI, installed by setup.sh), so that the test of
# `mpirun -np N sm-report build` runs too (docs/scaling.md).
bash scripts/build.sh -DSMR_MPI=ON "$@"

status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j2) || status=$?
if [[ -f "$BUILD_DIR/shared-data-skipped.txt" ]]; then
  cat "$BUILD_DIR/shared-data-skipped.txt"
else
  shared=$(cd "$BUILD_DIR" && ctest -N -L shared-data | sed -n 's/^Total Tests: //p')
  echo "sm-report tests: ${shared:-0} shared-data tests included"
fi
# The browser tests (label browser) skip themselves without Chromium.
if [[ -f "$BUILD_DIR/browser-skipped.txt" ]]; then
  cat "$BUILD_DIR/browser-skipped.txt"
fi
# The CI output tests (label ci) skip themselves without jsonschema,
# junitparser or xmllint.
if [[ -f "$BUILD_DIR/ci-skipped.txt" ]]; then
  cat "$BUILD_DIR/ci-skipped.txt"
fi
exit "$status"
