#!/usr/bin/env bash
# Scaling benchmark of `sm-report build` (docs/scaling.md): peak memory with
# and without --max-memory on generated multi-node jobs of about 1, 5 and
# 20 GB, and the speed-up of 1 to 4 MPI ranks on this machine.
#
#   bash scripts/scaling-bench.sh [SIZES...]     (default: 1G 5G 20G)
#
# Each job has 16 nodes (32 for 20G) of 8 GPUs and 64 vCPUs sampled every
# 100 ms with the generator's framework traces: the shape of a large
# multi-node training job. For each size it runs, under /usr/bin/time -v:
#   whole        sm-report build DIR --format json
#   max-memory   sm-report build DIR --format json --max-memory $LIMIT
#   MPI 1..4     mpirun -np N sm-report build DIR --format json   (5G job)
# checks that every run wrote the same files, and prints a markdown table
# (also written to $SCRATCH/scaling.md).
#
# Environment: BUILD_DIR (default build-mpi; configured with -DSMR_MPI=ON
# unless it exists, and built here), SCRATCH (default /tmp/smr-scaling), LIMIT (default 1G),
# MPI_SIZE (default 5G).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-"$ROOT/build-mpi"}
SCRATCH=${SCRATCH:-/tmp/smr-scaling}
LIMIT=${LIMIT:-1G}
MPI_SIZE=${MPI_SIZE:-5G}
SIZES=("$@")
[[ ${#SIZES[@]} -eq 0 ]] && SIZES=(1G 5G 20G)

if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSMR_MPI=ON \
    -DSMR_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$BUILD_DIR" --target sm-report smr-sample-gen >/dev/null
SMR="$BUILD_DIR/sm-report"
GEN="$BUILD_DIR/samples/generator/smr-sample-gen"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
mkdir -p "$SCRATCH"

gen_args() {
  case "$1" in
    1G) echo "--nodes 16 --minutes 6" ;;
    5G) echo "--nodes 16 --minutes 28" ;;
    20G) echo "--nodes 32 --minutes 56" ;;
    *) echo "unknown size $1 (1G, 5G or 20G)" >&2; exit 2 ;;
  esac
}

# run LABEL OUT CMD... -> "wall_s rss_mb", the run's log in $SCRATCH/LABEL.log
run() {
  local label=$1 out=$2
  shift 2
  rm -rf "$out"
  /usr/bin/time -v -o "$SCRATCH/time.txt" "$@" > "$SCRATCH/$label.log" 2>&1
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
           for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s}' "$SCRATCH/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$SCRATCH/time.txt")
  echo "$wall $rss"
}

same() {  # DIR_A DIR_B
  diff -r "$1" "$2" > /dev/null && echo "identical" || echo "DIFFERENT"
}

table="$SCRATCH/scaling.md"
{
  echo "| job | input GB | run | groups | wall s | peak RSS MB | RSS / input | outputs |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$table"

for size in "${SIZES[@]}"; do
  dir="$SCRATCH/job-$size"
  if [[ ! -d "$dir/system" ]]; then
    # shellcheck disable=SC2046
    "$GEN" --out "$dir" --scenario multi-node --gpus 8 --cpus 64 --interval-ms 100 \
      $(gen_args "$size") > /dev/null
  fi
  bytes=$(du -sb --apparent-size "$dir" | cut -f1)
  gb=$(awk -v b="$bytes" 'BEGIN {printf "%.2f", b / 1e9}')
  read -r wall rss < <(run "whole-$size" "$SCRATCH/out-whole" "$SMR" build "$dir" \
    -o "$SCRATCH/out-whole" --format json)
  echo "| $size | $gb | whole | 1 | $wall | $rss | $(awk -v r="$rss" -v b="$bytes" \
    'BEGIN {printf "%.1f %%", r * 1048576 / b * 100}') | reference |" >> "$table"
  read -r wall rss < <(run "mem-$size" "$SCRATCH/out-mem" "$SMR" build "$dir" \
    -o "$SCRATCH/out-mem" --format json --max-memory "$LIMIT")
  groups=$(sed -n 's/.*in \([0-9]*\) groups of nodes, one after another.*/\1/p' \
    "$SCRATCH/mem-$size.log" | head -1)
  echo "| $size | $gb | --max-memory $LIMIT | ${groups:-1} | $wall | $rss | $(awk -v r="$rss" \
    -v b="$bytes" 'BEGIN {printf "%.1f %%", r * 1048576 / b * 100}') | \
    $(same "$SCRATCH/out-whole" "$SCRATCH/out-mem") |" >> "$table"
  if [[ "$size" == "$MPI_SIZE" ]] && command -v mpirun > /dev/null; then
    for np in 1 2 3 4; do
      read -r wall rss < <(run "mpi$np-$size" "$SCRATCH/out-mpi" mpirun --oversubscribe \
        -np "$np" "$SMR" build "$dir" -o "$SCRATCH/out-mpi" --format json)
      echo "| $size | $gb | mpirun -np $np | $np | $wall | $rss (largest rank) | - | \
        $(same "$SCRATCH/out-whole" "$SCRATCH/out-mpi") |" >> "$table"
    done
  fi
done
cat "$table"
