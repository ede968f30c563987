#!/usr/bin/env bash
# One-command demo on a fresh Debian 12: installs the dependencies, builds,
# generates the bundled sample job (samples/data/default) and writes its
# report to profiler-report/, then the same for a PyTorch-profiler job
# (samples/data/kineto, 4 ranks) into profiler-report-pytorch/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-"$ROOT/build"}
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh "$@"

"$BUILD_DIR/samples/generator/smr-sample-gen" --out samples/data/default --scenario default
"$BUILD_DIR/sm-report" build samples/data/default -o profiler-report
"$BUILD_DIR/samples/generator/smr-sample-gen" --out samples/data/kineto --scenario kineto
"$BUILD_DIR/sm-report" build samples/data/kineto -o profiler-report-pytorch

echo
echo "Report written to $ROOT/profiler-report/"
echo "  open $ROOT/profiler-report/profiler-report.html"
echo "PyTorch-profiler (Kineto) sample: $ROOT/profiler-report-pytorch/profiler-report.html"
