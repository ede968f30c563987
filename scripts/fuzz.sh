#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang, ASan + UBSan) into build-fuzz/
# and runs each for a bounded time:
#   bash scripts/fuzz.sh [seconds per target, default 60] [target ...]
# Seeds: fuzz/corpus/<target>/, the saved regressions in
# tests/security/regressions/<target>/, the project's own input files of the
# target's format (tests/data/formats, tests/data/broken, and the rule-JSON
# sets of tests/data/rule_sets for fuzz_rule_json) and, when the optional
# folder of real data exists (SMR_SHARED_DIR, default ../shared beside the
# source tree), smdebug's real files in smdebug-resources/ and the real
# SageMaker rule JSONs in real-reports/. The growing corpus stays in
# build-fuzz/corpus/<target>/ between runs. A crash, leak,
# sanitizer report or timeout is saved as build-fuzz/crashes/<target>/*;
# copy it to tests/security/regressions/<target>/ once fixed so the
# regression test replays it. Exits non-zero if any target found something.
# Environment: BUILD_DIR (default build-fuzz), JOBS (default: all cores),
# SMR_SHARED_DIR (default ../shared).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-"$ROOT/build-fuzz"}
SHARED_DIR=${SMR_SHARED_DIR:-"$ROOT/../shared"}
JOBS=${JOBS:-$(nproc)}
SECONDS_PER_TARGET=${1:-60}
shift || true
ALL_TARGETS=(fuzz_system_metrics fuzz_chrome_trace fuzz_tf_trace fuzz_gunzip fuzz_rule_json)
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=("${ALL_TARGETS[@]}")
cd "$ROOT"

# clang is needed for libFuzzer only, so it is installed here and not by
# scripts/setup.sh.
bash scripts/setup.sh
if ! command -v clang++ >/dev/null 2>&1; then
  SUDO=()
  [[ $(id -u) -ne 0 ]] && SUDO=(sudo)
  echo "fuzz: installing clang"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends clang
fi

CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMR_BUILD_FUZZ=ON -DSMR_BUILD_TESTS=OFF
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${TARGETS[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-"detect_leaks=1"}
export LSAN_OPTIONS=${LSAN_OPTIONS:-"suppressions=$ROOT/scripts/lsan.supp:print_suppressions=0"}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"print_stacktrace=1:halt_on_error=1"}
failed=()
for target in "${TARGETS[@]}"; do
  corpus="$BUILD_DIR/corpus/$target"
  crashes="$BUILD_DIR/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  seeds=()
  for d in "fuzz/corpus/$target" "tests/security/regressions/$target"; do
    [[ -d $d ]] && seeds+=("$d")
  done
  # Input files of the target's format, from this repository and from the
  # optional folder of real data, copied into one seed folder.
  files="$BUILD_DIR/seeds/$target"
  rm -rf "$files"
  mkdir -p "$files"
  roots=(tests/data/formats tests/data/broken)
  [[ -d $SHARED_DIR/smdebug-resources ]] && roots+=("$SHARED_DIR/smdebug-resources")
  case $target in
    fuzz_system_metrics) pattern='*.algo-*.json*' ;;
    fuzz_chrome_trace) pattern='*timeline*.json' ;;
    fuzz_tf_trace | fuzz_gunzip) pattern='*.json.gz' ;;
    *) pattern='' ;;
  esac
  n=0
  if [[ -n $pattern ]]; then
    while IFS= read -r -d '' f; do
      cp "$f" "$files/$n-$(basename "$f")"
      n=$((n + 1))
    done < <(find "${roots[@]}" -type f -name "$pattern" -print0 | sort -z)
  else
    # fuzz_rule_json: the first byte picks the rule (fuzz/fuzz_common.h), so
    # each rule JSON is prefixed with its rule's index in ProfilerReport order.
    sets=(tests/data/rule_sets)
    [[ -d $SHARED_DIR/real-reports ]] && sets+=("$SHARED_DIR/real-reports")
    names=(CPUBottleneck IOBottleneck LowGPUUtilization StepOutlier GPUMemoryIncrease BatchSize
           MaxInitializationTime LoadBalancing OverallSystemUsage Dataloader OverallFrameworkMetrics)
    for i in "${!names[@]}"; do
      while IFS= read -r -d '' f; do
        { printf "\\x$(printf %02x "$i")"; cat "$f"; } > "$files/$n-${names[$i]}.json"
        n=$((n + 1))
      done < <(find "${sets[@]}" -name '.*' -prune -o -type f -path "*/profiler-reports/${names[$i]}.json" -print0 | sort -z)
    done
  fi
  seeds+=("$files")
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s (seeds: ${seeds[*]})"
  status=0
  # -timeout: one input may take at most 10 s; -rss_limit_mb: a run
  # that needs more than 2 GB is reported (an input-driven allocation).
  "$BUILD_DIR/fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" \
    > "$BUILD_DIR/$target.log" 2>&1 || status=$?
  tail -n 12 "$BUILD_DIR/$target.log" | grep -E "stat::number_of_executed_units|cov:|ERROR|SUMMARY|Test unit written" || true
  if [[ $status -ne 0 ]]; then
    echo "fuzz: $target FAILED (exit $status); see $BUILD_DIR/$target.log and $crashes/" >&2
    failed+=("$target")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings in ${TARGETS[*]}"
