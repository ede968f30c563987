#!/usr/bin/env bash
# Builds the Debian package build/sm-report_<version>_<arch>.deb and prints
# its path (the only line on stdout). Installs missing build dependencies
# first (scripts/setup.sh). Extra arguments are passed to cmake, e.g.:
#   bash scripts/package.sh -DSMR_PORTABLE=ON   # a package for CPUs without AVX2
# Install the result with: sudo apt install ./build/sm-report_*.deb
# Environment: BUILD_DIR (default build), JOBS (default: all cores).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-"$ROOT/build"}

bash "$ROOT/scripts/setup.sh" >&2
bash "$ROOT/scripts/build.sh" "$@" >&2
if [[ ! -f "$BUILD_DIR/packaging/sm-report.1.gz" ]]; then
  echo "package: help2man is missing, so the package has no man page (apt-get install help2man)" >&2
fi
log=$(cd "$BUILD_DIR" && cpack -G DEB -B "$BUILD_DIR" 2>&1) || {
  echo "$log" >&2
  exit 1
}
deb=$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' <<<"$log")
if [[ -z "$deb" || ! -f "$deb" ]]; then
  echo "$log" >&2
  echo "package: cpack did not report a .deb" >&2
  exit 1
fi
echo "$deb"
