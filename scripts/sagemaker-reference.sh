#!/usr/bin/env bash
# Regenerates tests/data/sagemaker-reference/<scenario>/<Rule>.json: the rule
# JSONs that SageMaker Debugger's own ProfilerReport rule code writes for each
# sample scenario (smr-sample-gen --scenario NAME, default seed). The e2e test
# SageMakerReferenceTest compares sm-report's JSONs with them.
#
# This needs an offline runner of SageMaker's rule code (a Python harness
# around the smdebug library at the commit whose output matches real
# ProfilerReport JSONs), which is not part of this repository. Point
# SMR_SAGEMAKER_RULES at the runner script and SMR_SMDEBUG_TREE at the
# extracted smdebug tree it imports:
#
#   SMR_SAGEMAKER_RULES=/path/run_sagemaker_rules.py SMR_SMDEBUG_TREE=/tmp/smdebug_816_r2022 \
#     bash scripts/sagemaker-reference.sh [SCENARIO ...]
#
# Only the JSONs are committed (they are data); the runner and smdebug never are.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-"$ROOT/build"}
RUNNER=${SMR_SAGEMAKER_RULES:-"$ROOT/../shared/reference/run_sagemaker_rules.py"}
TREE=${SMR_SMDEBUG_TREE:-/tmp/smdebug_816_r2022}
GEN="$BUILD_DIR/samples/generator/smr-sample-gen"
DEST="$ROOT/tests/data/sagemaker-reference"

[[ -f $RUNNER ]] || { echo "sagemaker-reference: runner not found: $RUNNER (set SMR_SAGEMAKER_RULES)" >&2; exit 2; }
[[ -d $TREE ]] || { echo "sagemaker-reference: smdebug tree not found: $TREE (set SMR_SMDEBUG_TREE)" >&2; exit 2; }
[[ -x $GEN ]] || { echo "sagemaker-reference: build smr-sample-gen first ($GEN)" >&2; exit 2; }

scenarios=("$@")
if [[ ${#scenarios[@]} -eq 0 ]]; then
  list=$("$GEN" --help | sed -n 's/.*--scenario \([a-z|-]*\)\].*/\1/p')
  IFS='|' read -r -a scenarios <<<"$list"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for s in "${scenarios[@]}"; do
  echo "== $s"
  "$GEN" --out "$work/$s/job" --scenario "$s" >/dev/null
  PYTHONPATH="$TREE" /usr/bin/python3 "$RUNNER" "$work/$s/job" "$work/$s/out" --log-level off
  rm -rf "${DEST:?}/$s"
  mkdir -p "$DEST/$s"
  cp "$work/$s/out/profiler-reports/"*.json "$DEST/$s/"
  rm -rf "$work/$s"
done
echo "wrote $DEST"
