#!/bin/bash
# `mpirun -np N sm-report build` writes byte for byte the rule JSONs,
# findings.json and data-quality.json of one process (docs/scaling.md):
# N = 1..4 ranks on this machine (--oversubscribe), each also with
# --max-memory (groups inside the ranks), and a rank that fails makes the
# job fail, naming the rank, with nothing written.
# usage: mpi_test.sh MPIRUN SM_REPORT SAMPLE_GEN SCRATCH
set -u
mpirun=$1 smr=$2 gen=$3 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch" || exit 1
# mpirun refuses root unless told (CI containers run as root).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# One machine, no network fabric: shared memory and loopback only.
export OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
export OMPI_MCA_rmaps_base_oversubscribe=1
fail=0
job=$scratch/job
"$gen" --out "$job/profiler-output" --scenario multi-node --nodes 4 --minutes 5 > /dev/null || exit 1
"$gen" --out "$job/torch" --scenario kineto --ranks 2 --steps 3 > /dev/null || exit 1
"$smr" build "$job" -o "$scratch/one" --format json -q || { echo "single process failed"; exit 1; }
compare() {  # name dir
  if ! diff -r "$scratch/one" "$2" > "$scratch/$1.diff"; then
    echo "FAIL: $1 differs from one process:"; head -20 "$scratch/$1.diff"; fail=1
  else
    echo "ok: $1 ($(find "$2" -type f | wc -l) files identical)"
  fi
}
for np in 1 2 3 4; do
  "$mpirun" --oversubscribe -np $np "$smr" build "$job" -o "$scratch/np$np" --format json -q \
    || { echo "FAIL: mpirun -np $np exited $?"; fail=1; continue; }
  compare "np$np" "$scratch/np$np"
  "$mpirun" --oversubscribe -np $np "$smr" build "$job" -o "$scratch/np$np-mem" --format json -q \
    --max-memory 1 || { echo "FAIL: mpirun -np $np --max-memory 1 exited $?"; fail=1; continue; }
  compare "np$np --max-memory 1" "$scratch/np$np-mem"
done
# A rank that fails: the job fails and says which; nothing is written.
err=$(SMR_FAULT_INJECTION=rank-1-fails "$mpirun" --oversubscribe -np 2 "$smr" build "$job" \
  -o "$scratch/failed" --format json 2>&1 >/dev/null)
code=$?
if [ $code -eq 0 ] || ! grep -q "rank 1 of 2" <<< "$err" || [ -e "$scratch/failed" ]; then
  echo "FAIL: a failing rank: exit $code, output: $err"; fail=1
else
  echo "ok: a failing rank fails the job: $(grep -m1 'rank 1 of 2' <<< "$err")"
fi
exit $fail
