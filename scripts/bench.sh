#!/usr/bin/env bash
# End-to-end benchmark of `sm-report build` (docs/performance.md).
#
#   bash scripts/bench.sh [100M|1G|5G]      (default 100M)
#
# Generates two jobs of about the given size with smr-sample-gen into a
# scratch directory (kept between runs; delete it to regenerate):
#   sys    system metrics of 64 vCPUs x 8 GPUs per node at 100 ms (the
#          generator's default framework traces on top, a few percent)
#   trace  framework traces with every TRAIN step profiled per operator
#          (millions of events at 1G), a minimal system part
# and for each runs, under /usr/bin/time -v, RUNS times (median reported):
#   sm-report build --format json --jobs 1 and --jobs 2
#   the full report (html,pdf,json) with --jobs 2 (sys job only)
# plus the reference points: `cat > /dev/null`, a read() loop and the
# straightforward nlohmann-json ingest (bench/naive_ingest.cc).
# Prints a markdown table and writes it to $SCRATCH/results-<size>.md.
#
# Environment: BUILD_DIR (default build-bench; configured with
# -DSMR_BUILD_BENCH=ON and built here), SCRATCH (default
# /tmp/smr-bench-data), RUNS (default 3).
set -euo pipefail

SIZE=${1:-100M}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-"$ROOT/build-bench"}
SCRATCH=${SCRATCH:-/tmp/smr-bench-data}
RUNS=${RUNS:-3}

case "$SIZE" in
  100M) SYS_ARGS="--nodes 2 --minutes 4";  TRACE_ARGS="--nodes 4 --minutes 9" ;;
  1G)   SYS_ARGS="--nodes 4 --minutes 22"; TRACE_ARGS="--nodes 8 --minutes 31" ;;
  5G)   SYS_ARGS="--nodes 8 --minutes 54"; TRACE_ARGS="--nodes 16 --minutes 73" ;;
  *) echo "usage: $0 [100M|1G|5G]" >&2; exit 2 ;;
esac

if [[ ! -x /usr/bin/time ]]; then
  echo "bench.sh: /usr/bin/time missing (apt-get install time)" >&2
  exit 1
fi

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSMR_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" --target sm-report smr-sample-gen smr_bench_naive >/dev/null
SMR="$BUILD_DIR/sm-report"
GEN="$BUILD_DIR/samples/generator/smr-sample-gen"
NAIVE="$BUILD_DIR/bench/smr_bench_naive"

mkdir -p "$SCRATCH"
SYS_DIR="$SCRATCH/sys-$SIZE"
TRACE_DIR="$SCRATCH/trace-$SIZE"
if [[ ! -d "$SYS_DIR/system" ]]; then
  # shellcheck disable=SC2086
  "$GEN" --out "$SYS_DIR" --gpus 8 --cpus 64 --interval-ms 100 $SYS_ARGS >&2
fi
if [[ ! -d "$TRACE_DIR/framework" ]]; then
  # shellcheck disable=SC2086
  "$GEN" --out "$TRACE_DIR" --gpus 1 --cpus 2 --interval-ms 1000 \
    --detailed-steps 100000000 $TRACE_ARGS >&2
fi

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bytes_of() { du -sb --apparent-size "$1" | cut -f1; }

# run_smr DIR JOBS FORMAT -> "wall_s rss_kb records"
run_smr() {
  local dir=$1 jobs=$2 format=$3 walls=() rsss=() records=0
  for ((i = 0; i < RUNS; i++)); do
    local out="$SCRATCH/out-$$"
    /usr/bin/time -v -o "$SCRATCH/time.txt" "$SMR" build "$dir" -o "$out" --format "$format" \
      --jobs "$jobs" > /dev/null 2> "$SCRATCH/log.txt"
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
                for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s}' "$SCRATCH/time.txt")")
    rsss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$SCRATCH/time.txt")")
    records=$(sed -n 's/^read \([0-9]*\) system samples and \([0-9]*\) framework events.*/\1 \2/p' \
      "$SCRATCH/log.txt" | awk '{print $1 + $2}')
    rm -rf "$out"
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${rsss[@]}" | median) $records"
}

{
  echo "## $SIZE ($(date -u +%Y-%m-%d), $(nproc) cores, RUNS=$RUNS, medians)"
  echo
  echo "| job | input MB | run | wall s | MB/s | M records/s | peak RSS MB | RSS / input |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|"
  for job in sys trace; do
    dir=$SCRATCH/$job-$SIZE
    bytes=$(bytes_of "$dir")
    mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1e6}')
    row() {  # label wall rss records
      awk -v l="$1" -v w="$2" -v r="$3" -v n="$4" -v b="$bytes" -v mb="$mb" -v job="$job" \
        'BEGIN {printf "| %s | %s | %s | %.2f | %.0f | %.2f | %.0f | %.0f %% |\n",
                job, mb, l, w, b / 1e6 / w, n / 1e6 / w, r / 1024, r * 1024 / b * 100}'
    }
    sync
    cat_s=$( { /usr/bin/time -f %e sh -c "find '$dir' -type f -exec cat {} + > /dev/null"; } 2>&1 )
    row "cat > /dev/null" "$cat_s" 0 0
    read_line=$("$NAIVE" read "$dir")
    row "read() 1 MiB" "$(sed 's/.*seconds=\([0-9.]*\).*/\1/' <<<"$read_line")" 0 0
    for jobs in 1 2; do
      read -r w r n < <(run_smr "$dir" "$jobs" json)
      row "sm-report json -j$jobs" "$w" "$r" "$n"
    done
    if [[ $job == sys ]]; then
      read -r w r n < <(run_smr "$dir" 2 html,pdf,json)
      row "sm-report html+pdf+json -j2" "$w" "$r" "$n"
    fi
    /usr/bin/time -v -o "$SCRATCH/time.txt" "$NAIVE" nlohmann "$dir" > "$SCRATCH/naive.txt"
    w=$(sed 's/.*seconds=\([0-9.]*\).*/\1/' "$SCRATCH/naive.txt")
    n=$(sed 's/.*records=\([0-9]*\).*/\1/' "$SCRATCH/naive.txt")
    r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$SCRATCH/time.txt")
    row "nlohmann line-by-line (ingest only)" "$w" "$r" "$n"
  done
  echo
  echo "Stage timings of one run (sys job, html+pdf+json, -j2):"
  echo
  echo '```'
  "$SMR" build "$SCRATCH/sys-$SIZE" -o "$SCRATCH/out-$$" --jobs 2 --quiet --timings 2>&1 >/dev/null
  echo '```'
  rm -rf "$SCRATCH/out-$$"
} | tee "$SCRATCH/results-$SIZE.md"
